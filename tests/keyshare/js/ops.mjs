// Runs a list of key operations with the browser code of static/js/keyshare/, for the
// cross-language tests (tests/keyshare/test_javascript.py), in node or in Chromium.
// Each operation's result is JSON; a KeyShareError becomes {"error": code}.

export async function run(base, ops) {
  const member = await import(`${base}/member.js`);
  const field = await import(`${base}/field.js`);
  const keys = new Map();
  async function keyOf(op) {
    const cacheKey = op.backup + "\u0000" + op.passphrase;
    if (!keys.has(cacheKey)) { keys.set(cacheKey, await member.readBackup(op.backup, op.passphrase)); }
    return keys.get(cacheKey);
  }
  const handlers = {
    async generate(op) {
      const key = await member.generateMemberKey(op.passphrase);
      const exported = await crypto.subtle.exportKey("jwk", key.privateKey).then(() => true, () => false);
      return { backup: key.backup, extractable: key.privateKey.extractable || exported };
    },
    async read_backup(op) {
      const key = await keyOf(op);
      return {
        public_key: btoa(String.fromCharCode(...key.publicKey)),
        extractable: key.privateKey.extractable,
        fingerprint: await member.fingerprint(key.publicKey),
      };
    },
    clear_share: async (op) => member.clearShare(await keyOf(op), op.request),
    reshare: async (op) => member.reshareReply(await keyOf(op), op.request),
    combine: async (op) => member.combineReply(await keyOf(op), op.request),
    async split(op) {
      return field.split(BigInt("0x" + op.secret), op.threshold, op.indices)
        .map((s) => ({ index: s.index, value: s.value.toString(16) }));
    },
    async combine_values(op) {
      return field.combine(op.shares.map((s) => ({ index: s.index, value: BigInt("0x" + s.value) }))).toString(16);
    },
  };
  const results = [];
  for (const op of ops) {
    try {
      results.push(await handlers[op.op](op));
    } catch (error) {
      if (error.name !== "KeyShareError") { throw error; }
      results.push({ error: error.code });
    }
  }
  return results;
}
