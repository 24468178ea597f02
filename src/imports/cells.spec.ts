import { textProblem } from '../common/body-guard';
import { cellText } from './cells';

describe('cellText', () => {
  it('refuses exactly the characters body-guard refuses (its plain-text shortcut skips none)', () => {
    const differing: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      for (const column of ['donor_name', 'purpose']) {
        const cell = `Nguyễn${String.fromCharCode(code)}An`;
        const expected = textProblem(column, cell.normalize('NFC').trim());
        const got = cellText(cell, column);
        const problem = typeof got === 'object' && got !== null ? got.error : null;
        if (problem !== expected) differing.push(`${column} U+${code.toString(16)}`);
      }
    }
    expect(differing).toEqual([]);
  });
});
