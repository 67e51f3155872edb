import { connectableEndpoint, isAllInterfaces } from '../../src/local/connectableEndpoint.js';

describe('connectableEndpoint', () => {
  it('tells the wildcard addresses from the others, in any spelling', () => {
    for (const host of ['0.0.0.0', '::', '[::]', '::0', '0:0:0:0:0:0:0:0'])
      expect(isAllInterfaces(host)).toBe(true);
    for (const host of ['127.0.0.1', '::1', '192.0.2.2', 'localhost', '0', ''])
      expect(isAllInterfaces(host)).toBe(false);
  });

  it('names the loopback of the family for a wildcard address, the bound address otherwise', () => {
    expect(connectableEndpoint({ address: '0.0.0.0', family: 'IPv4', port: 4567 })).toBe(
      'http://127.0.0.1:4567',
    );
    expect(connectableEndpoint({ address: '::', family: 'IPv6', port: 4567 })).toBe('http://[::1]:4567');
    expect(connectableEndpoint({ address: '192.0.2.2', family: 'IPv4', port: 80 })).toBe(
      'http://192.0.2.2:80',
    );
    expect(connectableEndpoint({ address: 'fd00::2', family: 'IPv6', port: 1 })).toBe('http://[fd00::2]:1');
  });
});
