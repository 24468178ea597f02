import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { DATA_DIR } from '../common/paths';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;
export const COMMON_PASSWORDS_FILE = path.join(DATA_DIR, 'common-passwords.txt');

let common: ReadonlySet<string> | null = null;

/** data/common-passwords.txt, read once (its source and licence: data/common-passwords.md). */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    fs
      .readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .map((line) => line.trim().normalize('NFC').toLowerCase())
      .filter((line) => line !== ''),
  );
  return common;
}

/** One character repeated, or a run of consecutive characters up or down ("123456789012" is not, but close). */
function isRunOrRepeat(text: string): boolean {
  const codes = [...text].map((c) => c.codePointAt(0) as number);
  const steps = new Set(codes.slice(1).map((c, i) => c - codes[i]));
  return steps.size === 1 && [...steps].every((step) => Math.abs(step) <= 1);
}

/**
 * Why a password may not be used, or null when it may: at least 12 characters, not blank, not one character
 * repeated or a plain run, not on the list of common passwords, and not the username with digits added.
 */
export function passwordProblem(password: unknown, username?: string): string | null {
  if (typeof password !== 'string') return 'password must be a string';
  const text = password.normalize('NFC');
  if ([...text].length < MIN_PASSWORD_LENGTH)
    return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (text.length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (text.trim() === '') return 'password must not be blank';
  const lower = text.toLowerCase();
  if (isRunOrRepeat(lower) || commonPasswords().has(lower))
    return 'password is one of the most common passwords; choose a longer phrase of your own';
  // The username with digits and punctuation around it ("KeToan.LaoCai-2025" for ketoan.laocai).
  const letters = (value: string) => value.toLowerCase().replace(/[^\p{L}]/gu, '');
  if (username && letters(username) !== '' && letters(text) === letters(username))
    return 'password must not be the username with digits or punctuation added';
  return null;
}

/** class-validator form of passwordProblem; the username rule reads `username` from the same body, when there. */
export function IsAcceptablePassword(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'isAcceptablePassword',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const username = (args.object as { username?: unknown }).username;
          return passwordProblem(value, typeof username === 'string' ? username : undefined) === null;
        },
        defaultMessage(args: ValidationArguments) {
          const username = (args.object as { username?: unknown }).username;
          const problem = passwordProblem(args.value, typeof username === 'string' ? username : undefined);
          return (problem ?? 'password is not acceptable').replace(/^password/, args.property);
        },
      },
    });
  };
}
