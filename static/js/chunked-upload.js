// Sends large bid documents in 1 MB chunks that resume after a dropped connection.
// Without JavaScript (or an old browser) the form posts the files the usual way.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload-url]");
  if (!form || !window.fetch || !window.crypto || !window.crypto.subtle) { return; }
  var LARGE = 1024 * 1024;
  var KINDS = { application_files: "application", technical_files: "technical", financial_files: "financial" };
  var status = document.getElementById("upload-status");
  var bar = document.getElementById("upload-progress");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var action = "review";

  form.addEventListener("click", function (event) {
    if (event.target.name === "action") { action = event.target.value; }
  });

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function sha256(blob) {
    return blob.arrayBuffer().then(function (data) { return crypto.subtle.digest("SHA-256", data); }).then(hex);
  }
  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  function call(url, options) {
    options.headers = Object.assign({ "X-CSRFToken": csrf }, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, code: response.status, body: body }; });
    });
  }
  function say(text) { status.hidden = false; status.textContent = text; }

  function sendFrom(file, state, done, total, attempt) {
    if (state.received >= file.size) { return Promise.resolve(state); }
    var chunk = file.slice(state.received, state.received + state.chunk_size);
    return sha256(chunk).then(function (digest) {
      return call(state.chunk_url + "?offset=" + state.received, {
        method: "PUT", body: chunk, headers: { "X-Chunk-SHA256": digest } });
    }).then(function (answer) {
      if (!answer.ok && answer.code !== 409) { throw new Error(answer.body.error); }
      state.received = answer.body.received;  // on 409 the server says where to resume
      bar.value = done + state.received; bar.max = total;
      return sendFrom(file, state, done, total, 0);
    }, function () {  // the connection dropped: wait, ask where we are, go on
      say(form.dataset.msgRetry);
      return wait(Math.min(30000, 1000 * Math.pow(2, attempt))).then(function () {
        return call(state.chunk_url.replace(/\/chunks$/, ""), { method: "GET" });
      }).then(function (answer) {
        state.received = answer.body.received;
        return sendFrom(file, state, done, total, attempt + 1);
      }, function () { return sendFrom(file, state, done, total, attempt + 1); });
    });
  }

  function upload(item, done, total) {
    say(form.dataset.msgUploading + " " + item.file.name);
    return sha256(item.file).then(function (digest) {
      return call(form.dataset.uploadUrl, { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ kind: item.kind, filename: item.file.name, size: item.file.size, sha256: digest }) });
    }).then(function (answer) {
      if (!answer.ok) { throw new Error(answer.body.error); }
      return sendFrom(item.file, answer.body, done, total, 0);
    }).then(function (state) {
      return call(state.complete_url, { method: "POST" });
    }).then(function (answer) {
      if (!answer.ok) { throw new Error(answer.body.error); }
    });
  }

  form.addEventListener("submit", function (event) {
    var items = [];
    Object.keys(KINDS).forEach(function (name) {
      var input = form.elements[name];
      if (!input || !Array.prototype.some.call(input.files, function (f) { return f.size > LARGE; })) { return; }
      Array.prototype.forEach.call(input.files, function (file) { items.push({ input: input, file: file, kind: KINDS[name] }); });
    });
    if (!items.length) { return; }
    event.preventDefault();
    var total = items.reduce(function (sum, item) { return sum + item.file.size; }, 0);
    bar.hidden = false;
    items.reduce(function (chain, item) {
      return chain.then(function (done) { return upload(item, done, total).then(function () { return done + item.file.size; }); });
    }, Promise.resolve(0)).then(function () {
      items.forEach(function (item) { item.input.value = ""; });  // they are in the draft now
      var hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = "action"; hidden.value = action;
      form.appendChild(hidden);
      say(form.dataset.msgSending);
      HTMLFormElement.prototype.submit.call(form);
    }, function (error) { say(error.message || form.dataset.msgFailed); });
  });
}());
