import { passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it.each([
    ['12345678', /at least 12 characters/],
    ['        ', /at least 12 characters/],
    ['            ', /must not be blank/],
    ['passwordpassword', /most common passwords/],
    ['Password1234', /most common passwords/],
    ['123456789012', /most common passwords/],
    ['aaaaaaaaaaaaaaa', /most common passwords/],
    ['abcdefghijklmnop', /most common passwords/],
    ['matkhau123456', /most common passwords/],
    ['x'.repeat(201), /at most 200 characters/],
  ])('refuses %j', (password, reason) => {
    expect(passwordProblem(password)).toMatch(reason);
  });

  it('refuses a password that is the username dressed up', () => {
    expect(passwordProblem('KeToan.LaoCai-2025', 'ketoan.laocai')).toBe(
      'password must not be the username with digits or punctuation added',
    );
    // The demo's auditor: a password that holds the username among other words is fine.
    expect(passwordProblem('demo-kiemtoan-2025', 'kiemtoan')).toBeNull();
  });

  it.each(['admin-password-1', 'demo-ketoan-2025', 'núi Fansipan mùa mây', 'correct horse battery'])(
    'accepts %j',
    (password) => {
      expect(passwordProblem(password, 'ketoan.laocai')).toBeNull();
    },
  );
});
