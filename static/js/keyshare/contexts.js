// The labels binding a sealed share to what it is for: the same strings as
// safkat/keyshare/contexts.py.

const encoder = new TextEncoder();

export function shareLabel(tender, epoch, member, index) {
  return encoder.encode(`safkat share v1|tender=${tender}|epoch=${epoch}|member=${member}|index=${index}`);
}

export function subshareLabel(tender, epoch, senders, sender, member, index) {
  const joined = [...senders].sort((a, b) => a - b).join(",");
  return encoder.encode(
    `safkat subshare v1|tender=${tender}|epoch=${epoch}|senders=${joined}|from=${sender}|member=${member}|index=${index}`,
  );
}

export function commitmentPrefix(label) {
  return concat(encoder.encode("safkat commitment v1|"), label, encoder.encode("|"));
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let offset = 0;
  for (const part of parts) { out.set(part, offset); offset += part.length; }
  return out;
}

export function toBase64(bytes) {
  let text = "";
  for (const byte of bytes) { text += String.fromCharCode(byte); }
  return btoa(text);
}

export function fromBase64(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4) {
    throw new Error("base64");
  }
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
