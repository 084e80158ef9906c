/* qarchive: the upload page, enhanced with a resumable upload.
 *
 * The page works without this file: the form posts to /upload as
 * multipart. With it, the form is sent with a small tus 1.0 client of ours
 * (https://tus.io/protocols/resumable-upload) to the form's data-tus
 * endpoint (/api/uploads):
 *   POST  the short details as Upload-Metadata (each value Base64) and
 *         the texts (description, transcript, agenda, notes, questions:
 *         read from the chosen files and the textareas) as more such
 *         pairs in the body, Upload-Length → 201 and a Location;
 *   PATCH the media in chunks from Upload-Offset, with a progress bar;
 *         the last chunk's 204 says which recording it became
 *         (Qarchive-Recording-Id, Qarchive-Recording-Url);
 *   HEAD  after a dropped connection, a 409, or a server error: where the
 *         server stands, then on from there, with a growing wait between
 *         tries.
 * The upload's URL is kept in localStorage under the file's name, size and
 * modification time and the title, so that after a reload (or a closed
 * tab) choosing the same file again continues the upload instead of
 * starting it over, when a digest of its details (a metadata key the
 * server keeps and echoes) says they are the same. It is removed when the
 * upload is over.
 *
 * While it runs the page shows the speed and the time left (over the last
 * few seconds), with Pause (the request under way is aborted; Resume asks
 * the server where it stands and goes on from there) and Cancel (the
 * upload is deleted on the server: nothing is added).
 *
 * Requests carry the session cookie and the page's CSRF token (<meta
 * name="csrf-token">) as X-CSRF-Token. An error from the server ({"error":
 * "title: missing"}, the field first) is shown at the top of the form and
 * next to its field; nothing typed is lost. Text from the server or the
 * files is only ever set with textContent.
 */
(function () {
  'use strict';

  var form = document.getElementById('upload-form');
  if (!form || !window.XMLHttpRequest || !window.FileReader || !window.TextEncoder ||
      !window.TextDecoder || !window.Promise || !window.Blob || !Blob.prototype.slice) return;

  var endpoint = form.getAttribute('data-tus') || '/api/uploads';
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = tokenMeta ? tokenMeta.getAttribute('content') : '';
  /* 8 MiB a PATCH: a lost request costs at most that much again, and a
   * progress event comes often enough on any link. */
  var CHUNK = 8 * 1024 * 1024;
  /* Waits before each retry after a network error or a server error (ms);
   * after the last, the user is asked to press Upload again. */
  var RETRY_WAITS = [1000, 2000, 4000, 8000, 15000, 30000, 30000, 30000];
  /* The short fields go in the Upload-Metadata header, the texts
   * (description, transcript, agenda, notes, questions) in the creation
   * request's body as more pairs of the same format: the server takes a
   * header of up to 16 KiB and such a body of up to 3 MiB. A longer body
   * (a transcript of some 30 hours) goes with the plain form post. */
  var METADATA_BODY_TYPE = 'application/vnd.qarchive.upload-metadata';
  var METADATA_BODY_MAX = 3 * 1024 * 1024 - 1024;
  var KEY_PREFIX = 'qarchive-upload:';

  var status = document.getElementById('upload-status');
  var progress = document.getElementById('upload-progress');
  var figures = document.getElementById('upload-figures');
  var message = document.getElementById('upload-message');
  var done = document.getElementById('upload-done');
  var link = document.getElementById('upload-link');
  var submit = document.getElementById('upload-submit');
  var errorBox = document.getElementById('form-error');
  var errorText = document.getElementById('form-error-text');
  var controls = document.getElementById('upload-controls');
  var pauseButton = document.getElementById('upload-pause');
  var cancelButton = document.getElementById('upload-cancel');
  var busy = false;
  /* The request under way (Pause and Cancel abort it), the upload's URL,
   * and the user's wishes: paused holds a promise that Resume fulfils. */
  var current = null;
  var activeUrl = null;
  var paused = null;
  var cancelled = false;
  /* Recent {t, bytes} for the speed: the last SPEED_WINDOW ms. */
  var samples = [];
  var SPEED_WINDOW = 5000;

  function field(name) {
    return form.elements.namedItem(name);
  }

  function value(name) {
    var el = field(name);
    return el && typeof el.value === 'string' ? el.value : '';
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function mb(bytes) {
    return (bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1) + ' MB';
  }

  function percent(part, whole) {
    return whole > 0 ? Math.floor(part / whole * 100) : 0;
  }

  function say(text) {
    message.textContent = text;
  }

  function duration(seconds) {
    if (seconds < 60) return Math.max(1, Math.round(seconds)) + ' s';
    if (seconds < 3600) return Math.round(seconds / 60) + ' min';
    var h = Math.floor(seconds / 3600);
    return h + ' h ' + Math.round((seconds - h * 3600) / 60) + ' min';
  }

  /* Bytes a second over the last few seconds, or 0 while too few. */
  function speed(sent) {
    var now = Date.now();
    samples.push({ t: now, bytes: sent });
    while (samples.length > 2 && now - samples[1].t > SPEED_WINDOW) samples.shift();
    var first = samples[0];
    var ms = now - first.t;
    return ms >= 500 && sent > first.bytes ? (sent - first.bytes) * 1000 / ms : 0;
  }

  function showProgress(sent, size) {
    progress.max = size;
    progress.value = sent;
    var text = mb(sent) + ' of ' + mb(size) + ' (' + percent(sent, size) + '%)';
    var rate = paused ? 0 : speed(sent);
    if (rate > 0 && sent < size)
      text += ' · ' + mb(rate) + '/s · about ' + duration((size - sent) / rate) + ' left';
    figures.textContent = text;
  }

  /* Errors: one at the top of the form, and the same next to its field. */
  function clearErrors() {
    errorBox.hidden = true;
    errorText.textContent = '';
    var slots = form.querySelectorAll('.field-error');
    for (var i = 0; i < slots.length; i++) {
      slots[i].hidden = true;
      slots[i].textContent = '';
    }
    var marked = form.querySelectorAll('[aria-invalid="true"], .field.invalid');
    for (var j = 0; j < marked.length; j++) {
      marked[j].removeAttribute('aria-invalid');
      marked[j].classList.remove('invalid');
    }
  }

  /* The inputs an error about `name` concerns. */
  function inputsFor(name) {
    if (name === 'agenda') return [field('agenda'), field('agenda_file')];
    return [field(name)];
  }

  function showError(text, name) {
    errorText.textContent = text;
    errorBox.hidden = false;
    var slot = name ? document.getElementById(name + '-error') : null;
    if (slot) {
      slot.textContent = text;
      slot.hidden = false;
      inputsFor(name).forEach(function (input) {
        if (!input || !input.setAttribute) return;
        input.setAttribute('aria-invalid', 'true');
        var wrap = input.closest('.field');
        if (wrap) wrap.classList.add('invalid');
      });
    }
    /* Focus goes to the field to fix (its error is read out with it, by
     * aria-describedby); an error of the whole form focuses the box. */
    var target = slot ? inputsFor(name)[0] : null;
    if (target && target.focus) {
      var hint = document.getElementById(name + '-error');
      var described = target.getAttribute('aria-describedby') || '';
      if (hint && described.split(' ').indexOf(hint.id) < 0)
        target.setAttribute('aria-describedby', (described + ' ' + hint.id).trim());
      target.focus();
      target.scrollIntoView({ block: 'center' });
    } else {
      errorBox.setAttribute('tabindex', '-1');
      errorBox.focus();
      errorBox.scrollIntoView({ block: 'center' });
    }
  }

  /* The field an error message names: "transcript: line 12: ..." (tus
   * errors come as "Upload-Metadata: title: missing"). */
  function fieldOf(text) {
    var m = /^([a-z_]+):/.exec(text);
    return m ? m[1] : null;
  }

  function UploadError(text, name, keep) {
    this.text = text;
    this.field = name || null;
    this.keep = !!keep; /* the upload can go on later: keep its URL */
  }

  function cancelError() {
    var e = new UploadError('Cancelled: nothing was added to the archive.');
    e.cancel = true;
    return e;
  }

  /* Between requests: on at once, after Resume, or not at all (Cancel). */
  function gate() {
    if (cancelled) return Promise.reject(cancelError());
    return paused ? paused.promise : Promise.resolve();
  }

  function pause() {
    if (paused) {
      var p = paused;
      paused = null;
      samples = [];
      pauseButton.textContent = 'Pause';
      say('Uploading…');
      p.resolve();
      return;
    }
    paused = {};
    paused.promise = new Promise(function (resolve, reject) {
      paused.resolve = resolve;
      paused.reject = reject;
    });
    pauseButton.textContent = 'Resume';
    say('Paused at ' + percent(Number(progress.value), Number(progress.max)) +
      '%. Resume goes on from there.');
    showProgress(Number(progress.value), Number(progress.max)); /* no speed while paused */
    if (current) current.abort();
  }

  function cancel() {
    cancelled = true;
    if (paused) paused.reject(cancelError());
    if (current) current.abort();
  }

  /* A file's text: UTF-8, or else Windows-1252 as the server reads an SRT
   * that is not UTF-8 (so nothing is mangled on the way). */
  function readText(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var bytes = new Uint8Array(reader.result);
        try {
          resolve(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
        } catch (e) {
          resolve(new TextDecoder('windows-1252').decode(bytes));
        }
      };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsArrayBuffer(file);
    });
  }

  /* RFC 4648 Base64 of a string's UTF-8, as tus's Upload-Metadata wants. */
  function base64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = '';
    for (var i = 0; i < bytes.length; i += 0x8000)
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }

  function metadataHeader(pairs) {
    var out = [];
    Object.keys(pairs).forEach(function (key) {
      if (pairs[key]) out.push(key + ' ' + base64(pairs[key]));
    });
    return out.join(',');
  }

  /* A 53-bit hash of a string (cyrb53), as hex: the upload's details, so
   * that a resumed upload is one started with the same ones. */
  function digestOf(str) {
    var h1 = 0xdeadbeef, h2 = 0x41c6ce57;
    for (var i = 0; i < str.length; i++) {
      var ch = str.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16) + '-' + str.length.toString(16);
  }

  /* The value of key in Upload-Metadata as a HEAD echoes it ('' if none). */
  function metadataValue(metadata, key) {
    var pairs = metadata.split(',');
    for (var i = 0; i < pairs.length; i++) {
      var kv = pairs[i].trim().split(' ');
      if (kv[0] === key) return kv[1] || '';
    }
    return '';
  }

  function storageKey(file, title) {
    return KEY_PREFIX + JSON.stringify([file.name, file.size, file.lastModified, title]);
  }

  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function store(key, url) {
    try { window.localStorage.setItem(key, url); } catch (e) { /* private mode: no resume */ }
  }

  function forget(key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
  }

  /* One request. Resolves with the XHR for any HTTP status; rejects when
   * no answer came (network error, timeout). */
  function send(method, url, headers, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      current = xhr;
      xhr.open(method, url);
      xhr.setRequestHeader('Tus-Resumable', '1.0.0');
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      Object.keys(headers).forEach(function (h) { xhr.setRequestHeader(h, headers[h]); });
      if (onProgress && xhr.upload)
        xhr.upload.onprogress = function (e) { onProgress(e.loaded); };
      xhr.onload = function () { resolve(xhr); };
      xhr.onerror = function () { reject(new Error('network')); };
      xhr.ontimeout = function () { reject(new Error('timeout')); };
      xhr.onabort = function () { reject(new Error('aborted')); };
      xhr.send(body === undefined ? null : body);
    });
  }

  /* The server's words for a refusal: its JSON "error", the field first. */
  function refusal(xhr) {
    var text = '';
    try { text = JSON.parse(xhr.responseText).error || ''; } catch (e) { text = ''; }
    text = String(text).replace(/^Upload-Metadata: /, '');
    switch (xhr.status) {
      case 401:
        return new UploadError('You are signed out. Sign in again in another tab, then press ' +
          'Upload: the upload continues where it stopped.', null, true);
      case 403:
        return new UploadError('This page has expired. Reload it and choose the same file: ' +
          'the upload continues where it stopped.', null, true);
      case 413:
        return new UploadError(text || 'media: the file is larger than this server takes.', 'media');
      case 404:
      case 410:
        return new UploadError(text || 'The server no longer has this upload (it failed or ' +
          'expired). Press Upload to start it again.');
      default:
        if (!text) text = 'The server answered ' + xhr.status + ' ' + xhr.statusText + '.';
        return new UploadError(text, fieldOf(text));
    }
  }

  /* Statuses worth another try after a wait: the link, or the server,
   * may be back by then (409: we and the server disagree on the offset;
   * 423: the previous request still holds the upload). */
  function retryable(code) {
    return code === 409 || code === 423 || code === 429 || code >= 500;
  }

  function recordingOf(xhr) {
    var id = xhr.getResponseHeader('Qarchive-Recording-Id');
    if (!id) return null;
    var url = xhr.getResponseHeader('Qarchive-Recording-Url') || '';
    if (!/^\/watch\/[^/?#]+$/.test(url)) url = '/watch/' + encodeURIComponent(id);
    return { id: id, url: url };
  }

  /* Where the server stands: {offset, metadata, recording}, or a refusal. */
  function head(url) {
    return send('HEAD', url, {}).then(function (xhr) {
      if (xhr.status !== 200 && xhr.status !== 204) {
        if (retryable(xhr.status)) throw new Error('retry ' + xhr.status);
        throw refusal(xhr);
      }
      var offset = parseInt(xhr.getResponseHeader('Upload-Offset'), 10);
      if (!(offset >= 0)) throw new UploadError('The server did not say how much it has.');
      return {
        offset: offset,
        metadata: xhr.getResponseHeader('Upload-Metadata') || '',
        recording: recordingOf(xhr),
      };
    });
  }

  /* PATCH from offset to the end, chunk by chunk; after a failure, wait,
   * ask the server (HEAD) and go on from its offset. Resolves with the
   * recording. */
  function upload(url, file, offset) {
    var tries = 0;
    function next() {
      var end = Math.min(offset + CHUNK, file.size);
      var from = offset;
      return send('PATCH', url, {
        'Content-Type': 'application/offset+octet-stream',
        'Upload-Offset': String(from),
      }, file.slice(from, end), function (loaded) {
        showProgress(Math.min(from + loaded, file.size), file.size);
      }).then(function (xhr) {
        if (xhr.status === 204) {
          tries = 0;
          var recording = recordingOf(xhr);
          if (recording) {
            showProgress(file.size, file.size);
            return recording;
          }
          var at = parseInt(xhr.getResponseHeader('Upload-Offset'), 10);
          if (!(at > from)) throw new UploadError('The server did not take the bytes sent.', null, true);
          offset = at;
          showProgress(offset, file.size);
          if (offset >= file.size) return recover(false);
          return gate().then(next);
        }
        if (!retryable(xhr.status)) throw refusal(xhr);
        return recover(xhr.status !== 409);
      }, function () {
        /* Aborted by Pause or Cancel, or the link failed. */
        if (cancelled || paused) return gate().then(function () { return recover(false); });
        return recover(true);
      });
    }
    function recover(wait) {
      if (tries >= RETRY_WAITS.length)
        return Promise.reject(new UploadError('The connection keeps failing. Press Upload to try ' +
          'again: the upload continues where it stopped.', null, true));
      var ms = wait ? RETRY_WAITS[tries] : 0;
      tries++;
      if (ms) say('Connection lost. Trying again in ' + Math.round(ms / 1000) + ' s…');
      return sleep(ms).then(gate).then(function () { return head(url); }).then(function (at) {
        if (at.recording) return at.recording;
        offset = at.offset;
        say('Uploading…');
        showProgress(offset, file.size);
        return next();
      }, function (e) {
        if (e instanceof UploadError) throw e;
        if (cancelled || paused) return gate().then(function () { return recover(false); });
        return recover(true);
      });
    }
    activeUrl = url;
    controls.hidden = false;
    return next();
  }

  function create(file, metadata) {
    var headers = {
      'Upload-Length': String(file.size),
      'Upload-Metadata': metadata.header,
    };
    if (metadata.body) headers['Content-Type'] = METADATA_BODY_TYPE;
    return send('POST', endpoint, headers, metadata.body || undefined).then(function (xhr) {
      if (xhr.status === 201 && xhr.getResponseHeader('Location'))
        return new URL(xhr.getResponseHeader('Location'), window.location.href).pathname;
      /* No tus here, or details too long for a header: the plain post. */
      if (xhr.status === 404 || xhr.status === 405 || xhr.status === 431) return null;
      throw refusal(xhr);
    });
  }

  /* The plain form post: what the page does without scripts. */
  function postForm(why) {
    controls.hidden = true;
    say(why);
    figures.textContent = '';
    progress.removeAttribute('value'); /* indeterminate */
    HTMLFormElement.prototype.submit.call(form);
  }

  function finish(recording, key) {
    forget(key);
    controls.hidden = true;
    say('Uploaded: the recording is in the archive.');
    link.href = recording.url + '?done=uploaded';
    done.hidden = false;
    submit.textContent = 'Uploaded';
    link.focus();
  }

  function start() {
    clearErrors();
    var media = field('media');
    var file = media && media.files && media.files[0];
    if (!file) {
      showError('media: choose the recording\'s video or audio file.', 'media');
      return;
    }
    var transcriptInput = field('transcript');
    var agendaInput = field('agenda_file');
    var transcriptFile = transcriptInput && transcriptInput.files[0];
    var agendaFile = agendaInput && agendaInput.files[0];
    if (agendaFile && value('agenda').trim()) {
      showError('agenda: choose a file or paste the agenda, not both.', 'agenda');
      return;
    }
    busy = true;
    cancelled = false;
    paused = null;
    samples = [];
    activeUrl = null;
    pauseButton.textContent = 'Pause';
    submit.disabled = true;
    status.hidden = false;
    done.hidden = true;
    say('Preparing…');
    showProgress(0, file.size);
    var key = storageKey(file, value('title'));
    var metadata;
    Promise.all([
      transcriptFile ? readText(transcriptFile) : '',
      agendaFile ? readText(agendaFile) : value('agenda'),
    ]).then(function (texts) {
      var header = metadataHeader({
        title: value('title'),
        kind: value('kind'),
        release: value('release'),
        date: value('date'),
        speakers: value('speakers'),
        filename: file.name,
      });
      var body = metadataHeader({
        description: value('description'),
        transcript: texts[0],
        agenda: texts[1],
        notes: value('notes'),
        qa: value('qa'),
      });
      if (body.length > METADATA_BODY_MAX) return 'form';
      /* The server keeps keys it does not know, and a HEAD echoes the
       * short ones: the digest says whether a saved upload has these
       * details. */
      var digest = base64(digestOf(header + '\n' + body));
      metadata = { header: header + (header ? ',' : '') + 'digest ' + digest, body: body };
      var saved = stored(key);
      if (!saved) return null;
      return head(saved).then(function (at) {
        if (metadataValue(at.metadata, 'digest') !== digest) {
          /* Started with other details: those cannot change now. */
          forget(key);
          send('DELETE', saved, {}).catch(function () { /* expires by itself */ });
          return null;
        }
        if (at.recording) return at;
        if (at.offset > 0)
          say('Resuming: ' + percent(at.offset, file.size) + '% already uploaded');
        showProgress(at.offset, file.size);
        return { url: saved, offset: at.offset };
      }, function (e) {
        if (!(e instanceof UploadError))
          throw new UploadError('The server cannot be reached. Press Upload to try again: ' +
            'the upload continues where it stopped.', null, true);
        if (e.keep) throw e;
        forget(key); /* gone or failed on the server: start again */
        return null;
      });
    }).then(function (resume) {
      if (resume === 'form')
        return postForm('Uploading (the transcript is too long to resume, so this upload ' +
          'starts over if the connection drops)…');
      if (resume && resume.recording) return finish(resume.recording, key);
      if (resume) return upload(resume.url, file, resume.offset).then(function (r) { finish(r, key); });
      return create(file, metadata).then(function (url) {
        if (!url) return postForm('Uploading…');
        store(key, url);
        say('Uploading…');
        return upload(url, file, 0).then(function (r) { finish(r, key); });
      });
    }).catch(function (e) {
      var err = e instanceof UploadError ? e
        : new UploadError('The upload failed: ' + (e && e.message ? e.message : e), null, true);
      if (!err.keep) forget(key);
      controls.hidden = true;
      busy = false;
      submit.disabled = false;
      if (err.cancel) {
        if (activeUrl) send('DELETE', activeUrl, {}).catch(function () { /* expires by itself */ });
        say(err.text);
        figures.textContent = '';
        progress.value = 0;
        submit.focus();
        return;
      }
      say('Not uploaded.');
      samples = []; /* the figures without a speed: nothing is moving */
      showProgress(Number(progress.value), Number(progress.max));
      /* Refused before any byte went: the error says it all. */
      if (!(Number(progress.value) > 0)) status.hidden = true;
      showError(err.text, err.field);
    });
  }

  pauseButton.addEventListener('click', pause);
  cancelButton.addEventListener('click', cancel);

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (!busy) start();
  });
})();
