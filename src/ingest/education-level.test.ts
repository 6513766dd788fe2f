import { describe, expect, it } from 'vitest';
import { educationLevel } from './education-level.ts';

describe('educationLevel (docs/mobility.md, level of a position text)', () => {
  it.each([
    ['PhD student', 'doctorate'],
    ['Ph.D. candidate', 'doctorate'],
    ['Intern+PhD student', 'doctorate'],
    ['Doctoral student', 'doctorate'],
    ['MS student', 'master'],
    ['M.Phil. student', 'master'],
    ['MSc student+Intern', 'master'],
    ['Undergrad student', 'bachelor'],
    ['Bachelor Student', 'bachelor'],
    ['Graduate Student', 'other'],
    ['Visiting student', 'other'],
    ['MS student+PhD student', 'doctorate'],
    ['Undergrad student+MS student', 'master'],
  ])('%s → %s', (text, level) => expect(educationLevel(text)).toBe(level));

  it.each(['Postdoc', 'Postdoctoral fellow', 'Pre-doctoral research fellow', 'Post-doctoral researcher', 'Intern', 'Full Professor', 'Research Scientist', '', null])(
    '%s names no education',
    (text) => expect(educationLevel(text)).toBeNull(),
  );

  it('reads tokens, not substrings: "Msc" in "Mscientist" or "phd" inside a word does not count', () => {
    expect(educationLevel('Mschool teacher')).toBeNull();
    expect(educationLevel('aphdx')).toBeNull();
  });
});
