// Which roles the role panel shows and which it sends: every participant of the session with
// their current role (the speakers the server reports without one are listed as such), and
// of the coach's choices only those that give someone another role, so a Save re-analyses
// the session for a real change and the PUT names just the people it changes. A role taken
// away is sent as null (that speaker's turns then give no signals). Pure.
import type { Participant, Role } from '../protocol/protocol';

export interface RoleRow {
  name: string;
  /** The role the session holds now; null: none yet (their turns give no signals). */
  role: Role | null;
}

/**
 * The panel's rows: the participants in the session's order, then any unassigned speaker the
 * participants do not name yet (a live `roles_needed` can come before the snapshot has them).
 * A name reported unassigned has no role, whatever an older participant list said.
 */
export function roleRows(participants: readonly Participant[], unassigned: readonly string[] = []): RoleRow[] {
  const rows = new Map<string, Role | null>();
  for (const p of participants) if (!rows.has(p.name)) rows.set(p.name, p.role);
  for (const name of unassigned) rows.set(name, null);
  return [...rows].map(([name, role]) => ({ name, role }));
}

/** The roles to send: the choices that differ from the row's current role. */
export function changedRoles(rows: readonly RoleRow[], chosen: ReadonlyMap<string, Role | null>): Record<string, Role | null> {
  const out: Record<string, Role | null> = {};
  for (const row of rows) {
    const role = chosen.get(row.name);
    if (role !== undefined && role !== row.role)
      Object.defineProperty(out, row.name, { value: role, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The choices still worth keeping once the rows changed (a reload): those that still change a role. */
export function pendingChoices(rows: readonly RoleRow[], chosen: ReadonlyMap<string, Role | null>): Map<string, Role | null> {
  return new Map(Object.entries(changedRoles(rows, chosen)));
}
