// Shamir's sharing over the prime field of 2^255 - 19, with BigInt: the same arithmetic
// as safkat/keyshare/shamir.py (the tests check one against the other).

export const P = (1n << 255n) - 19n;
const MAX_INDEX = 255;

export function mod(a) {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function power(base, exponent) {
  let result = 1n;
  base = mod(base);
  while (exponent > 0n) {
    if (exponent & 1n) { result = result * base % P; }
    base = base * base % P;
    exponent >>= 1n;
  }
  return result;
}

export function inverse(a) {
  return power(a, P - 2n);  // Fermat: P is prime
}

export function randomElement() {
  const bytes = crypto.getRandomValues(new Uint8Array(64));  // 512 bits: the bias mod P is < 2^-256
  return mod(fromBytesUnchecked(bytes));
}

function fromBytesUnchecked(bytes) {
  let value = 0n;
  for (const byte of bytes) { value = (value << 8n) | BigInt(byte); }
  return value;
}

export function toBytes(value) {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i -= 1) { out[i] = Number(value & 0xffn); value >>= 8n; }
  return out;
}

export function fromBytes(bytes) {
  const value = fromBytesUnchecked(bytes);
  if (bytes.length !== 32 || value >= P) { throw new KeyShareError("bad-share"); }
  return value;
}

export class KeyShareError extends Error {
  // ``code`` names the problem; the page shows its own translated text for each code.
  constructor(code) {
    super(code);
    this.name = "KeyShareError";
    this.code = code;
  }
}

function checkIndices(threshold, indices) {
  if (indices.some((i) => !Number.isInteger(i) || i < 1 || i > MAX_INDEX)
      || new Set(indices).size !== indices.length
      || threshold < 1 || threshold > indices.length) {
    throw new KeyShareError("bad-commission");
  }
}

export function split(secret, threshold, indices) {
  checkIndices(threshold, indices);
  const coefficients = [mod(secret)];
  for (let i = 1; i < threshold; i += 1) { coefficients.push(randomElement()); }
  return indices.map((index) => {
    let value = 0n;
    for (let c = coefficients.length - 1; c >= 0; c -= 1) { value = (value * BigInt(index) + coefficients[c]) % P; }
    return { index, value };
  });
}

export function lagrangeAtZero(indices) {
  checkIndices(1, indices);
  const weights = new Map();
  for (const i of indices) {
    let numerator = 1n;
    let denominator = 1n;
    for (const j of indices) {
      if (j !== i) {
        numerator = numerator * BigInt(j) % P;
        denominator = mod(denominator * BigInt(j - i));
      }
    }
    weights.set(i, numerator * inverse(denominator) % P);
  }
  return weights;
}

export function combine(shares) {
  const weights = lagrangeAtZero(shares.map((share) => share.index));
  return shares.reduce((sum, share) => (sum + weights.get(share.index) * share.value) % P, 0n);
}

// An old member's part of a redistribution: its share split again; new index -> value.
export function reshare(share, newThreshold, newIndices) {
  return new Map(split(share.value, newThreshold, newIndices).map((s) => [s.index, s.value]));
}

// A new member's share from the old members' sub-shares (Map: old index -> value).
export function combineSubshares(newIndex, received) {
  const weights = lagrangeAtZero([...received.keys()]);
  let value = 0n;
  for (const [sender, subshare] of received) { value = (value + weights.get(sender) * subshare) % P; }
  return { index: newIndex, value };
}
