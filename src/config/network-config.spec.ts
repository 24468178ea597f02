import { ConfigError, loadConfig } from './app-config';

/** Issue 15: HOST, TRUST_PROXY and SMTP_TIMEOUT_MS are read and checked once, at start, like every variable. */
describe('loadConfig: HOST, TRUST_PROXY, SMTP_TIMEOUT_MS', () => {
  const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('listens on this machine only, trusts no proxy and waits 10 s for a mail server by default', () => {
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', trustProxy: false, smtpTimeoutMs: 10_000 });
  });

  it('takes any address or host name for HOST', () => {
    for (const host of ['0.0.0.0', '127.0.0.1', '::', '::1', 'localhost', 'ledger.internal']) {
      expect(loadConfig({ HOST: host }).host).toBe(host);
    }
  });

  it('reads TRUST_PROXY as Express does: a switch, a number of hops, or a list of proxies', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    expect(loadConfig({ SMTP_TIMEOUT_MS: '2500' }).smtpTimeoutMs).toBe(2500);
  });

  it('stops start-up with a message naming each bad variable', () => {
    const problems = problemsOf({ HOST: 'not a host!', TRUST_PROXY: 'yes please', SMTP_TIMEOUT_MS: '10s' });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^SMTP_TIMEOUT_MS must be a whole number/);
    expect(problems[1]).toMatch(/^HOST must be an IP address or a host name.*"not a host!"/);
    expect(problems[2]).toMatch(/^TRUST_PROXY must be true, false, a number of proxy hops .*"yes please"/);
    expect(problemsOf({ HOST: '300.1.1.1' })).toHaveLength(1);
    expect(problemsOf({ TRUST_PROXY: '10.0.0.0/33' })).toHaveLength(1);
    expect(problemsOf({ SMTP_TIMEOUT_MS: '0' })).toHaveLength(1);
  });
});
