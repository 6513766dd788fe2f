import { describe, expect, it } from 'vitest';
import { parseShownWork, shownWorkLine } from './work-shown.ts';

describe('what a result shows of a work, kept in the index', () => {
  it('comes back as it went in, a title with line breaks and quotes on one line', () => {
    const line = shownWorkLine({ title: 'Deep "nets"\nfor\r\nrobots', venue: 'CoRL', status: 'accepted' }, 2021, 17);
    expect(line).not.toMatch(/[\n\r]/);
    expect(parseShownWork(line)).toEqual({ title: 'Deep "nets"\nfor\r\nrobots', year: 2021, venue: 'CoRL', status: 'accepted', citedBy: 17 });
  });

  it('keeps what the store does not know as null, and shows nothing for an expertise document', () => {
    expect(parseShownWork(shownWorkLine({}, null, null))).toEqual({ title: null, year: null, venue: null, status: null, citedBy: null });
    expect(parseShownWork('')).toBeNull();
    expect(parseShownWork('not json')).toBeNull();
  });
});
