import { isPublicAddress } from './address-policy';
import { HostAllowList, parseHostPattern } from './host-allow-list';

describe('HostAllowList', () => {
  const list = new HostAllowList(['*.ytimg.com', 'yt3.ggpht.com', '127.0.0.1:4100', '[::1]:4101']);
  const allowed = (url: string) => list.match(new URL(url))?.entry;

  it('matches subdomains for wildcards, the exact host otherwise, on default ports', () => {
    expect(allowed('https://i.ytimg.com/vi/x/hqdefault.jpg')).toBe('*.ytimg.com');
    expect(allowed('https://a.b.ytimg.com/x')).toBe('*.ytimg.com');
    expect(allowed('https://yt3.ggpht.com/x')).toBe('yt3.ggpht.com');
    expect(allowed('http://I.YTIMG.COM./x')).toBe('*.ytimg.com');
  });

  it('does not match look-alikes, the bare domain, other ports or addresses', () => {
    expect(allowed('https://ytimg.com/x')).toBeUndefined();
    expect(allowed('https://evilytimg.com/x')).toBeUndefined();
    expect(allowed('https://i.ytimg.com.evil.example/x')).toBeUndefined();
    expect(allowed('https://i.ytimg.com:8443/x')).toBeUndefined();
    expect(allowed('https://yt3.ggpht.com:444/x')).toBeUndefined();
    expect(allowed('http://127.0.0.1/x')).toBeUndefined();
  });

  it('matches IP-literal entries on their port, in any spelling the URL parser normalises', () => {
    expect(allowed('http://127.0.0.1:4100/x')).toBe('127.0.0.1:4100');
    expect(allowed('http://2130706433:4100/x')).toBe('127.0.0.1:4100');
    expect(allowed('http://[0:0::1]:4101/x')).toBe('[::1]:4101');
  });

  it.each(['*', '*.com', 'https://i.ytimg.com', 'user@host', '*.127.0.0.1', 'host:99999', ''])('refuses the entry "%s"', (entry) => {
    expect(() => parseHostPattern(entry)).toThrow('MEDIA_ALLOWED_HOSTS entry');
  });
});

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    'fd00:ec2::254',
    'fe80::1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '142.250.74.46', '2001:4860:4860::8888'])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});
