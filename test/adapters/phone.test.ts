import { describe, expect, it } from 'vitest';
import { displayPhone, isNanp, phoneVariants, toE164 } from '../../src/adapters/phone.js';

describe('phone › toE164', () => {
  it.each([
    ['+14155550100', '+14155550100'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['(415) 555-0100', '+14155550100'],
    ['415.555.0100', '+14155550100'],
    ['1-415-555-0100', '+14155550100'],
    ['011 44 20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('%s › %s', (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });

  it.each(['101', '', '12345', '(015) 555-0100', 'not a number'])(
    '%s › undefined (extension, short code, junk)',
    (input) => {
      expect(toE164(input)).toBeUndefined();
    },
  );
});

describe('phone › phoneVariants', () => {
  it('a NANP number › E.164 first, then the national formats CRM users type', () => {
    const variants = phoneVariants('+14155550100');
    expect(variants[0]).toBe('+14155550100');
    expect(variants).toEqual(
      expect.arrayContaining([
        '4155550100',
        '(415) 555-0100',
        '415-555-0100',
        '+1 415 555 0100',
        '415.555.0100',
        '14155550100',
      ]),
    );
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('any way of writing the number › the same variants', () => {
    expect(phoneVariants('(415) 555-0100')).toEqual(phoneVariants('+14155550100'));
  });

  it('a number outside the NANP › E.164, bare digits and the 00 form', () => {
    expect(phoneVariants('+442079460958')).toEqual(['+442079460958', '442079460958', '00442079460958']);
  });

  it('an extension › nothing to search for', () => {
    expect(phoneVariants('101')).toEqual([]);
  });
});

describe('phone › display', () => {
  it('formats NANP numbers for titles and leaves others in E.164', () => {
    expect(displayPhone('+14155550100')).toBe('+1 (415) 555-0100');
    expect(displayPhone('+442079460958')).toBe('+442079460958');
    expect(isNanp('+14155550100')).toBe(true);
    expect(isNanp('+442079460958')).toBe(false);
  });
});
