// The role panel's rows and the roles a Save sends.
import { changedRoles, pendingChoices, roleRows } from './roleChanges';

test('every participant is a row with their current role, unassigned speakers last and without one', () => {
  const rows = roleRows(
    [
      { name: 'Dana', role: 'rep' },
      { name: 'Lee', role: 'customer' },
      { name: '王经理', role: null },
    ],
    ['王经理', 'Li Wei'],
  );
  expect(rows).toEqual([
    { name: 'Dana', role: 'rep' },
    { name: 'Lee', role: 'customer' },
    { name: '王经理', role: null },
    { name: 'Li Wei', role: null },
  ]);
  // A name the server reports unassigned has no role, whatever an older list said.
  expect(roleRows([{ name: 'Lee', role: 'customer' }], ['Lee'])).toEqual([{ name: 'Lee', role: null }]);
  expect(
    roleRows([
      { name: 'Lee', role: 'rep' },
      { name: 'Lee', role: 'customer' },
    ]),
  ).toEqual([{ name: 'Lee', role: 'rep' }]);
  expect(roleRows([])).toEqual([]);
});

test('a swap sends both roles; a choice equal to the current role is not sent', () => {
  const rows = roleRows([
    { name: 'Dana', role: 'customer' },
    { name: 'Lee', role: 'rep' },
    { name: 'Sam', role: 'rep' },
  ]);
  const swap = new Map([
    ['Dana', 'rep'],
    ['Lee', 'customer'],
    ['Sam', 'rep'],
  ] as const);
  expect(changedRoles(rows, swap)).toEqual({ Dana: 'rep', Lee: 'customer' });
  expect(changedRoles(rows, new Map([['Sam', 'rep']]))).toEqual({});
  expect(changedRoles(rows, new Map())).toEqual({});
});

test('a role given to an unassigned speaker is a change; a choice for someone not listed is not sent', () => {
  const rows = roleRows([{ name: 'Dana', role: 'rep' }], ['Lee']);
  expect(
    changedRoles(
      rows,
      new Map([
        ['Lee', 'customer'],
        ['Ghost', 'customer'],
      ] as const),
    ),
  ).toEqual({ Lee: 'customer' });
});

test('a speaker named like an Object property is sent as a plain key', () => {
  const rows = roleRows([], ['constructor', 'toString']);
  const roles = changedRoles(
    rows,
    new Map([
      ['constructor', 'customer'],
      ['toString', 'rep'],
    ] as const),
  );
  expect(JSON.parse(JSON.stringify(roles))).toEqual({ constructor: 'customer', toString: 'rep' });
});

test('after a reload, only the choices that still change a role are kept', () => {
  const chosen = new Map([
    ['Dana', 'rep'],
    ['Lee', 'customer'],
  ] as const);
  // Another window already made Lee the customer; Dana is still the customer.
  const rows = roleRows([
    { name: 'Dana', role: 'customer' },
    { name: 'Lee', role: 'customer' },
  ]);
  expect([...pendingChoices(rows, chosen)]).toEqual([['Dana', 'rep']]);
  expect([...pendingChoices([], chosen)]).toEqual([]);
});

test('taking a role away is a change sent as null; "no role" for someone without one is not', () => {
  const rows = roleRows([{ name: 'Dana', role: 'customer' }], ['Lee']);
  const chosen = new Map<string, 'customer' | 'rep' | null>([
    ['Dana', null],
    ['Lee', null],
  ]);
  expect(changedRoles(rows, chosen)).toEqual({ Dana: null });
  expect(JSON.stringify(changedRoles(rows, chosen))).toBe('{"Dana":null}');
  expect([...pendingChoices(roleRows([{ name: 'Dana', role: null }]), chosen)]).toEqual([]);
});
