/** A small seeded PRNG (mulberry32): returns floats in [0, 1). */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An independent stream per (seed, stream): each call gets its own, so its ids and delays depend
 * only on the seed and on the order calls were started, not on how requests interleave.
 */
export function deriveRandom(seed: number, stream: number): Random {
  return mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35));
}

export function uniform(random: Random, [min, max]: [number, number]): number {
  return Math.round(min + random() * (max - min));
}

const hexDigits = '0123456789abcdef';
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pick(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

export const randomHex = (random: Random, length: number) => pick(random, hexDigits, length);
export const randomAlnum = (random: Random, length: number) => pick(random, alnum, length);

/** A numeric string of `length` digits with no leading zero (RingCentral's uuids, session ids). */
export function randomDigits(random: Random, length: number): string {
  return String(1 + Math.floor(random() * 9)) + pick(random, '0123456789', length - 1);
}

/** A v4-shaped UUID (subscription ids). */
export function randomUuid(random: Random): string {
  const h = randomHex(random, 32);
  const variant = hexDigits[8 + Math.floor(random() * 4)];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
