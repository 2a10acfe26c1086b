import { hostCheck, hostnameOf, isLoopback } from './hosts';

describe('hosts', () => {
  it('knows the loopback names and addresses', () => {
    for (const h of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.9.8.7', '::1', '[::1]']) expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.2', '127.0.0.1.nip.io', 'localhost.evil.example', '128.0.0.1']) expect(isLoopback(h)).toBe(false);
  });

  it('reads the hostname of a Host header, or null for something that is not one', () => {
    expect(hostnameOf('Example.COM:3000')).toBe('example.com');
    expect(hostnameOf('[::1]:3000')).toBe('[::1]');
    expect(hostnameOf('127.0.0.1')).toBe('127.0.0.1');
    for (const bad of ['evil.example/path', 'user@localhost', 'a b', '']) expect(hostnameOf(bad)).toBeNull();
  });

  it('bound to loopback: answers to loopback names and the allowed ones only (DNS rebinding names itself)', () => {
    const c = hostCheck('127.0.0.1', ['sales.example.com']);
    for (const h of [undefined, 'localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'sales.example.com', 'SALES.example.com:443']) expect(c.allows(h)).toBe(true);
    for (const h of ['evil.example:3000', '127.0.0.1.evil.example', 'user@localhost', 'sales.example.com.evil.example']) expect(c.allows(h)).toBe(false);
    expect(c.answersTo).toBe('localhost, 127.0.0.1, [::1], sales.example.com');
  });

  it('bound to the network: any name, unless names are listed', () => {
    expect(hostCheck('0.0.0.0').allows('192.168.1.20:3000')).toBe(true);
    expect(hostCheck('0.0.0.0').allows('anything.example')).toBe(true);
    const listed = hostCheck('0.0.0.0', ['sales.example.com']);
    expect(listed.allows('sales.example.com:3000')).toBe(true);
    expect(listed.allows('192.168.1.20:3000')).toBe(false);
  });

  it('bound to one address of the network with names listed: still answers to that address, the one it prints to open', () => {
    const c = hostCheck('192.168.1.20', ['sales.example.com']);
    expect(c.allows('192.168.1.20:3000')).toBe(true);
    expect(c.allows('sales.example.com')).toBe(true);
    expect(c.allows('192.168.1.21:3000')).toBe(false);
    expect(c.answersTo).toBe('localhost, 127.0.0.1, [::1], 192.168.1.20, sales.example.com');
    expect(hostCheck('fe80::1', ['sales.example.com']).allows('[fe80::1]:3000')).toBe(true);
    // A wildcard bind is no name anyone addresses.
    expect(hostCheck('0.0.0.0', ['sales.example.com']).allows('0.0.0.0:3000')).toBe(false);
    expect(hostCheck('::', ['sales.example.com']).answersTo).toBe('localhost, 127.0.0.1, [::1], sales.example.com');
  });
});
