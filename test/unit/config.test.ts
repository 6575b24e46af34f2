import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';

const trustProxy = (value?: string) => loadConfig({ DATA_DIR: '/nonexistent', TRUST_PROXY: value }).TRUST_PROXY;

describe('TRUST_PROXY', () => {
  it('trusts no proxy unless told', () => {
    expect(trustProxy()).toBe(false);
    expect(trustProxy('')).toBe(false);
    expect(trustProxy('false')).toBe(false);
    expect(trustProxy('0')).toBe(false);
  });

  it('takes a hop count, or addresses, subnets and presets', () => {
    expect(trustProxy('1')).toBe(1);
    expect(trustProxy('loopback')).toEqual(['loopback']);
    expect(trustProxy(' 10.0.0.0/8, 192.168.1.7 ,fd00::/8,uniquelocal')).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'uniquelocal']);
  });

  it('refuses trusting everyone and anything it cannot read, naming the entry', () => {
    expect(() => trustProxy('true')).toThrow(/TRUST_PROXY: .*true/);
    expect(() => trustProxy('loopback, proxy.internal')).toThrow(/proxy\.internal/);
    expect(() => trustProxy('10.0.0.0/33')).toThrow(/10\.0\.0\.0\/33/);
    expect(() => trustProxy('10.0.0.1/8/8')).toThrow(/TRUST_PROXY/);
  });
});
