// Binds the member key tools to forms, for pages that include
//   <script type="module" src="/static/js/keyshare/page.js"></script>
//
// <form data-keyshare="generate"> makes a key pair in this browser, downloads its backup
//   (<a data-keyshare-download download="...">), puts the public key in the field
//   [data-keyshare-result] and submits. Passphrase: [data-keyshare-passphrase], repeated
//   in [data-keyshare-confirm].
// <form data-keyshare="unseal|reshare|combine" data-keyshare-request="{...}"> reads the
//   member's backup ([data-keyshare-backup], a file field) with [data-keyshare-passphrase],
//   answers the server's request (safkat/keyshare/messages.py) into [data-keyshare-result]
//   and submits.
// <form data-keyshare="check" data-keyshare-request="{share request}"> only unseals, in
//   this browser, and shows [data-keyshare-ok]: a member checks, before the deadline, that
//   the share the platform keeps opens with their key. Nothing is sent.
// <form data-keyshare="verify" data-keyshare-public-key="{base64}"> opens the member's
//   backup with the passphrase and shows [data-keyshare-ok] if it holds the private half of
//   that registered public key (error "other-key" if it holds another one). Nothing is sent.
// Elements marked [data-keyshare-script-only] start hidden (they need this script) and are
//   shown here.
//
// The passphrase, confirmation and backup fields carry no name and are disabled before the
// form is sent, so only the result (a public key, a clear share of one tender, sealed
// pieces) leaves the browser. Errors are shown in [data-keyshare-error] with the text of
// the form's data-keyshare-message-<code> attribute (translated by the server), else
// data-keyshare-message-default. Without JavaScript, the result field stays a text box
// for the output of `python -m safkat.keyshare.member`; with it, a result pasted there is
// sent as is when no backup is chosen.

import { clearShare, combineReply, generateMemberKey, readBackup, reshareReply } from "./member.js";

const ANSWERS = { unseal: clearShare, check: clearShare, reshare: reshareReply, combine: combineReply };
const SENDS_NOTHING = new Set(["check", "verify"]);

function field(form, name) {
  return form.querySelector(`[data-keyshare-${name}]`);
}

function showError(form, code) {
  const box = field(form, "error");
  const attribute = `data-keyshare-message-${code}`;
  box.textContent = form.getAttribute(attribute) || form.getAttribute("data-keyshare-message-default") || code;
  box.hidden = false;
  box.focus();
}

function send(form, result) {
  field(form, "result").value = result;
  for (const secret of form.querySelectorAll("[data-keyshare-passphrase], [data-keyshare-confirm], [data-keyshare-backup]")) {
    secret.value = "";
    secret.disabled = true;
  }
  form.submit();
}

async function generate(form) {
  const passphrase = field(form, "passphrase").value;
  if (passphrase !== field(form, "confirm").value) { throw Object.assign(new Error(), { code: "passphrase-mismatch" }); }
  const key = await generateMemberKey(passphrase);
  const link = field(form, "download");
  link.href = URL.createObjectURL(new Blob([key.backup], { type: "application/json" }));
  link.hidden = false;
  link.click();
  return base64(key.publicKey);
}

function chosenBackup(form) {
  const file = field(form, "backup").files[0];
  if (!file) { throw Object.assign(new Error(), { code: "no-backup" }); }
  return file;
}

function base64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

async function verify(form) {
  const key = await readBackup(await chosenBackup(form).text(), field(form, "passphrase").value);
  if (base64(key.publicKey) !== form.getAttribute("data-keyshare-public-key")) {
    throw Object.assign(new Error(), { code: "other-key" });
  }
}

async function answer(form, kind) {
  const pasted = kind === "check" ? "" : field(form, "result").value.trim();
  if (!field(form, "backup").files[0] && pasted) { return pasted; }  // the output of the command-line tool, pasted
  const file = chosenBackup(form);
  let request;
  try {
    request = JSON.parse(form.getAttribute("data-keyshare-request"));
  } catch (error) {
    throw Object.assign(new Error(), { code: "bad-message" });
  }
  const key = await readBackup(await file.text(), field(form, "passphrase").value);
  return JSON.stringify(await ANSWERS[kind](key, request));
}

for (const element of document.querySelectorAll("[data-keyshare-script-only]")) {
  element.hidden = false;
}

for (const form of document.querySelectorAll("form[data-keyshare]")) {
  const kind = form.getAttribute("data-keyshare");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("[type=submit]");
    if (button) { button.disabled = true; }
    field(form, "error").hidden = true;
    const ok = field(form, "ok");
    if (ok) { ok.hidden = true; }
    try {
      const result = kind === "generate" ? await generate(form)
        : kind === "verify" ? await verify(form) : await answer(form, kind);
      if (SENDS_NOTHING.has(kind)) {
        field(form, "ok").hidden = false;
        if (button) { button.disabled = false; }
      } else {
        send(form, result);
      }
    } catch (error) {
      if (button) { button.disabled = false; }
      showError(form, error.code || "default");
    }
  });
}
