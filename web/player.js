/* qarchive: our own control bar for the player, and the page's shortcuts.
 *
 * Without scripts the <video>/<audio> keeps the browser's controls. With
 * this file, the native controls make way for a bar that Chromium's own
 * never draws: the agenda's chapters as segments of the seek bar, the
 * current chapter's title beside the time, and on hover the time, the
 * chapter and (when the element has data-storyboard, the URL of a
 * storyboard.json: {interval, width, height, columns, rows, sprites})
 * the storyboard's picture of that moment.
 *
 * Accessible: every control is a <button> with a name; the seek bar is a
 * role="slider" whose aria-valuetext reads "12:30 of 45:10, chapter:
 * Security"; its arrows step 5 s, Page Up/Down 10 s, Home/End the ends.
 *
 * Shortcuts (as on the big video sites; never while typing in a field):
 * k or Space play/pause, j/l back/forward 10 s, ←/→ 5 s, f full screen,
 * c captions, m mute, ? the list of them.
 *
 * data-autoplay (the page was opened at ?t=): start playing there. When
 * the browser refuses to play with sound before a click, stay paused at t
 * with the Play button showing: no error, no muted surprise.
 *
 * Captions come from the page's transcript (the cue list, #cues), not
 * from the <track>, so the transcript crosses the network once; the
 * <track> stays for scripts-off visitors and is fetched only if they turn
 * captions on.
 *
 * Works for the watch page and the embed page: it reads only the player,
 * the chapter list (.chapters[data-chapters] > li) and the cue list.
 */
(function () {
  'use strict';

  var media = document.getElementById('player');
  var box = media && media.closest('.player');
  if (!media || !box) return;
  var isVideo = media.tagName === 'VIDEO';

  /* "12:34" or "1:02:03", as the server writes them. */
  function clock(t) {
    var s = Math.max(0, Math.floor(t || 0));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    var mm = h ? String(m).padStart(2, '0') : String(m);
    return (h ? h + ':' : '') + mm + ':' + String(sec).padStart(2, '0');
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* Icons as SVG paths on a 24×24 grid (no icon font, no emoji font
   * needed); text ones ("CC", "?", "10") stay text. */
  var ICONS = {
    play: 'M8 5v14l11-7z',
    pause: 'M6 5h4v14H6zM14 5h4v14h-4z',
    sound: 'M4 9v6h4l5 4V5L8 9zM16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12',
    muted: 'M4 9v6h4l5 4V5L8 9zM16 9l5 6M21 9l-5 6',
    full: 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5'
  };
  function setIcon(b, name) {
    var svg = b.querySelector('svg');
    if (!svg) return;
    svg.firstChild.setAttribute('d', ICONS[name]);
    svg.firstChild.setAttribute('class', name === 'play' || name === 'pause' ? 'fill' : 'stroke');
  }
  function button(cls, label, icon) {
    var b = el('button', 'pc ' + cls);
    b.type = 'button';
    b.setAttribute('aria-label', label);
    var i;
    if (ICONS[icon]) {
      var ns = 'http://www.w3.org/2000/svg';
      i = document.createElementNS(ns, 'svg');
      i.setAttribute('viewBox', '0 0 24 24');
      i.setAttribute('class', 'icon');
      i.appendChild(document.createElementNS(ns, 'path'));
    } else {
      i = el('span', 'icon', icon);
    }
    i.setAttribute('aria-hidden', 'true');
    i.setAttribute('focusable', 'false');
    b.appendChild(i);
    if (ICONS[icon]) setIcon(b, icon);
    return b;
  }

  /* The chapters: the agenda's items, in time order. */
  var chapters = Array.prototype.slice.call(document.querySelectorAll('.chapters[data-chapters] > li'))
    .map(function (li) {
      var title = li.querySelector('.title');
      return { start: parseFloat(li.getAttribute('data-start')) || 0, title: title ? title.textContent.trim() : '' };
    })
    .filter(function (c, i, all) { return i === 0 || c.start > all[i - 1].start; });

  function chapterAt(t) {
    var at = -1;
    for (var i = 0; i < chapters.length; i++) if (chapters[i].start <= t + 0.001) at = i;
    return at;
  }

  function duration() {
    var d = media.duration;
    if (isFinite(d) && d > 0) return d;
    d = parseFloat(media.getAttribute('data-duration'));
    return isFinite(d) && d > 0 ? d : 0;
  }

  /* ---- the bar ---- */
  var bar = el('div', 'controls');
  var play = button('play', 'Play', 'play');
  var back = button('back', 'Back 10 seconds', '−10');
  var fwd = button('fwd', 'Forward 10 seconds', '+10');
  var time = el('span', 'time', '0:00 / 0:00');
  var chapterNow = el('span', 'chapter-now');
  var seekBar = el('div', 'seek');
  var track = el('div', 'seek-track');
  var played = el('div', 'seek-played');
  var thumb = el('div', 'seek-thumb');
  var preview = el('div', 'preview');
  var tile = el('div', 'tile');
  var previewText = el('span', 'preview-text');
  var mute = button('mute', 'Mute', 'sound');
  var cc = button('cc', 'Captions', 'CC');
  var full = button('full', 'Full screen', 'full');
  var help = button('keys', 'Keyboard shortcuts', '?');

  seekBar.setAttribute('role', 'slider');
  seekBar.tabIndex = 0;
  seekBar.setAttribute('aria-label', 'Seek');
  seekBar.setAttribute('aria-valuemin', '0');
  preview.hidden = true;
  preview.setAttribute('aria-hidden', 'true');
  tile.hidden = true;
  preview.appendChild(tile);
  preview.appendChild(previewText);
  track.appendChild(played);
  seekBar.appendChild(track);
  seekBar.appendChild(thumb);
  seekBar.appendChild(preview);

  var row = el('div', 'controls-row');
  var info = el('span', 'now');
  info.appendChild(time);
  info.appendChild(chapterNow);
  [play, back, fwd, info].forEach(function (n) { row.appendChild(n); });
  var right = el('span', 'controls-right');
  right.appendChild(mute);
  if (isVideo) { right.appendChild(cc); right.appendChild(full); }
  right.appendChild(help);
  row.appendChild(right);
  bar.appendChild(seekBar);
  bar.appendChild(row);

  /* The list of shortcuts, shown by ? (the key or the button). */
  var keysList = el('div', 'keys-help');
  keysList.id = 'keys-help';
  keysList.hidden = true;
  keysList.setAttribute('role', 'region');
  keysList.setAttribute('aria-label', 'Keyboard shortcuts');
  var dl = el('dl');
  [['k or Space', 'Play or pause'], ['j / l', 'Back / forward 10 seconds'], ['← / →', 'Back / forward 5 seconds'],
    ['f', 'Full screen'], ['c', 'Captions on or off'], ['m', 'Mute or unmute'], ['?', 'Show or hide this list']]
    .forEach(function (k) {
      if (!isVideo && (k[0] === 'f' || k[0] === 'c')) return;
      dl.appendChild(el('dt', '', k[0]));
      dl.appendChild(el('dd', '', k[1]));
    });
  keysList.appendChild(el('p', 'keys-title', 'Keyboard shortcuts (not while typing in a field)'));
  keysList.appendChild(dl);
  help.setAttribute('aria-expanded', 'false');
  help.setAttribute('aria-controls', 'keys-help');

  var status = el('span', 'vh');
  status.setAttribute('role', 'status');

  media.removeAttribute('controls');
  media.controls = false;
  box.classList.add('custom');
  media.insertAdjacentElement('afterend', bar);
  bar.insertAdjacentElement('afterend', keysList);
  box.appendChild(status);

  /* ---- chapters on the bar ---- */
  var drawnFor = -1;
  function drawChapters() {
    var d = duration();
    if (!d || d === drawnFor || chapters.length === 0) return;
    drawnFor = d;
    Array.prototype.slice.call(track.querySelectorAll('.segment')).forEach(function (s) { s.remove(); });
    chapters.forEach(function (c, i) {
      if (c.start >= d) return;
      var end = i + 1 < chapters.length ? Math.min(chapters[i + 1].start, d) : d;
      var s = el('div', 'segment');
      s.style.left = (100 * c.start / d) + '%';
      s.style.width = (100 * (end - c.start) / d) + '%';
      s.setAttribute('data-title', c.title);
      track.appendChild(s);
    });
    track.classList.add('chaptered');
  }

  /* ---- state → bar ---- */
  function valueText(t) {
    var c = chapterAt(t);
    return clock(t) + ' of ' + clock(duration()) + (c >= 0 && chapters[c].title ? ', chapter: ' + chapters[c].title : '');
  }

  function update() {
    var t = media.currentTime, d = duration();
    var p = d ? Math.min(100, 100 * t / d) : 0;
    played.style.width = p + '%';
    thumb.style.left = p + '%';
    time.textContent = clock(t) + ' / ' + clock(d);
    var c = chapterAt(t);
    chapterNow.textContent = c >= 0 ? chapters[c].title : '';
    seekBar.setAttribute('aria-valuemax', String(Math.round(d)));
    seekBar.setAttribute('aria-valuenow', String(Math.round(t)));
    seekBar.setAttribute('aria-valuetext', valueText(t));
  }

  function updatePlay() {
    var paused = media.paused;
    play.setAttribute('aria-label', paused ? 'Play' : 'Pause');
    setIcon(play, paused ? 'play' : 'pause');
    box.classList.toggle('paused', paused);
  }

  function updateMute() {
    mute.setAttribute('aria-label', media.muted ? 'Unmute' : 'Mute');
    mute.setAttribute('aria-pressed', String(media.muted));
    setIcon(mute, media.muted ? 'muted' : 'sound');
  }

  ['timeupdate', 'durationchange', 'loadedmetadata', 'seeking', 'seeked'].forEach(function (e) {
    media.addEventListener(e, function () { drawChapters(); update(); });
  });
  ['play', 'pause', 'ended'].forEach(function (e) { media.addEventListener(e, updatePlay); });
  media.addEventListener('volumechange', updateMute);

  /* ---- actions ---- */
  function playPause() {
    if (media.paused) {
      var p = media.play();
      if (p && p.catch) p.catch(function () { updatePlay(); });
    } else {
      media.pause();
    }
  }

  function seekTo(t) {
    var d = duration();
    media.currentTime = Math.max(0, d ? Math.min(t, d) : t);
    update();
  }

  function seekBy(dt) {
    seekTo(media.currentTime + dt);
    status.textContent = (dt < 0 ? 'Back ' : 'Forward ') + Math.abs(dt) + ' seconds: ' + clock(media.currentTime);
  }

  /* Captions, built from the transcript on the page (once: it is not
   * fetched again as a <track>). */
  var captions = null;
  function captionTrack() {
    if (captions || !isVideo || typeof VTTCue === 'undefined') return captions;
    var cues = document.querySelectorAll('#cues li.cue');
    if (!cues.length) {
      /* No transcript on the page (the embed page): the <track>, fetched
       * now that someone asked for captions. */
      captions = Array.prototype.filter.call(media.textTracks, function (x) { return x.kind === 'captions'; })[0] || null;
      return captions;
    }
    captions = media.addTextTrack('captions', 'English', 'en');
    cues.forEach(function (li) {
      var text = li.querySelector('.text');
      var s = parseFloat(li.getAttribute('data-start')), e = parseFloat(li.getAttribute('data-end'));
      if (text && isFinite(s) && isFinite(e) && e > s) captions.addCue(new VTTCue(s, e, text.textContent));
    });
    return captions;
  }

  function captionsOn() { return !!captions && captions.mode === 'showing'; }

  function toggleCaptions() {
    var tr = captionTrack();
    if (!tr) { status.textContent = 'No captions for this recording'; return; }
    tr.mode = captionsOn() ? 'hidden' : 'showing';
    cc.setAttribute('aria-pressed', String(captionsOn()));
    status.textContent = captionsOn() ? 'Captions on' : 'Captions off';
  }

  function toggleMute() { media.muted = !media.muted; }

  function toggleFull() {
    if (!isVideo) return;
    if (document.fullscreenElement) document.exitFullscreen();
    else if (box.requestFullscreen) box.requestFullscreen().catch(function () {});
  }

  function toggleHelp() {
    keysList.hidden = !keysList.hidden;
    help.setAttribute('aria-expanded', String(!keysList.hidden));
  }

  play.addEventListener('click', playPause);
  back.addEventListener('click', function () { seekBy(-10); });
  fwd.addEventListener('click', function () { seekBy(10); });
  mute.addEventListener('click', toggleMute);
  cc.addEventListener('click', toggleCaptions);
  full.addEventListener('click', toggleFull);
  help.addEventListener('click', toggleHelp);
  cc.setAttribute('aria-pressed', 'false');
  document.addEventListener('fullscreenchange', function () {
    full.setAttribute('aria-label', document.fullscreenElement ? 'Exit full screen' : 'Full screen');
  });
  if (isVideo) media.addEventListener('click', playPause);

  /* ---- the seek bar: pointer, hover preview, keys ---- */
  function timeAtX(x) {
    var r = track.getBoundingClientRect();
    var f = r.width ? (x - r.left) / r.width : 0;
    return Math.max(0, Math.min(1, f)) * duration();
  }

  var storyboard = null, storyboardState = media.getAttribute('data-storyboard') ? 'unloaded' : 'none';
  function loadStoryboard() {
    if (storyboardState !== 'unloaded' || !window.fetch) return;
    storyboardState = 'loading';
    fetch(media.getAttribute('data-storyboard'))
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (sb) {
        var ok = sb && sb.interval > 0 && sb.width > 0 && sb.height > 0 && sb.columns > 0 && sb.rows > 0 &&
          Array.isArray(sb.sprites) && sb.sprites.length > 0;
        storyboard = ok ? sb : null;
        storyboardState = ok ? 'ready' : 'none';
        if (!preview.hidden && lastX !== null) showPreview(lastX); /* still hovering */
      })
      .catch(function () { storyboardState = 'none'; });
  }

  /* The storyboard's tile for t: tile k = floor(t / interval), laid out
   * row by row, columns × rows tiles a sprite. */
  function showTile(t) {
    if (!storyboard) { tile.hidden = true; return; }
    var per = storyboard.columns * storyboard.rows;
    var k = Math.floor(t / storyboard.interval);
    var sprite = Math.floor(k / per);
    if (sprite >= storyboard.sprites.length) { sprite = storyboard.sprites.length - 1; k = sprite * per + per - 1; }
    var i = k - sprite * per;
    tile.style.width = storyboard.width + 'px';
    tile.style.height = storyboard.height + 'px';
    tile.style.backgroundImage = 'url("' + String(storyboard.sprites[sprite]).replace(/["\\\n]/g, '') + '")';
    tile.style.backgroundPosition = (-(i % storyboard.columns) * storyboard.width) + 'px ' +
      (-Math.floor(i / storyboard.columns) * storyboard.height) + 'px';
    tile.setAttribute('data-sprite', String(sprite));
    tile.setAttribute('data-tile', String(i));
    tile.hidden = false;
  }

  var lastX = null;
  function showPreview(x) {
    lastX = x;
    var d = duration();
    if (!d) return;
    loadStoryboard();
    var t = timeAtX(x);
    var c = chapterAt(t);
    previewText.textContent = clock(t) + (c >= 0 && chapters[c].title ? ' · ' + chapters[c].title : '');
    showTile(t);
    preview.hidden = false;
    var r = seekBar.getBoundingClientRect();
    var w = preview.offsetWidth;
    var left = Math.max(0, Math.min(r.width - w, x - r.left - w / 2));
    preview.style.left = left + 'px';
    preview.setAttribute('data-t', String(Math.round(t * 10) / 10));
  }

  var dragging = false;
  seekBar.addEventListener('pointerdown', function (e) {
    if (e.button !== 0) return;
    dragging = true;
    if (seekBar.setPointerCapture) seekBar.setPointerCapture(e.pointerId);
    seekTo(timeAtX(e.clientX));
  });
  seekBar.addEventListener('pointermove', function (e) {
    if (dragging) seekTo(timeAtX(e.clientX));
    if (e.pointerType !== 'touch' || dragging) showPreview(e.clientX);
  });
  function endDrag() { dragging = false; }
  seekBar.addEventListener('pointerup', function () { endDrag(); if (!seekBar.matches(':hover')) preview.hidden = true; });
  seekBar.addEventListener('pointercancel', endDrag);
  seekBar.addEventListener('pointerleave', function () { if (!dragging) preview.hidden = true; });

  seekBar.addEventListener('keydown', function (e) {
    var steps = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -10, PageUp: 10 };
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key in steps) seekBy(steps[e.key]);
    else if (e.key === 'Home') seekTo(0);
    else if (e.key === 'End') seekTo(duration());
    else return;
    e.preventDefault();
    e.stopPropagation();
  });

  /* ---- page shortcuts ---- */
  function typing(t) {
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  document.addEventListener('keydown', function (e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
    var onControl = e.target && e.target.closest && e.target.closest('button, a, summary, [role="slider"]');
    switch (e.key) {
    case ' ':
      if (onControl) return; /* Space presses the focused button or link */
      playPause(); break;
    case 'k': case 'K': playPause(); break;
    case 'j': case 'J': seekBy(-10); break;
    case 'l': case 'L': seekBy(10); break;
    case 'ArrowLeft': seekBy(-5); break;
    case 'ArrowRight': seekBy(5); break;
    case 'f': case 'F': if (!isVideo) return; toggleFull(); break;
    case 'c': case 'C': if (!isVideo) return; toggleCaptions(); break;
    case 'm': case 'M': toggleMute(); break;
    case '?': toggleHelp(); break;
    case 'Escape': if (keysList.hidden) return; toggleHelp(); break;
    default: return;
    }
    e.preventDefault();
  });

  /* ---- a ?t= link: play from t ---- */
  function autoplay() {
    var start = parseFloat(media.getAttribute('data-start')) || 0;
    if (Math.abs(media.currentTime - start) > 0.5) media.currentTime = start;
    var p = media.play();
    if (p && p.catch) {
      p.catch(function () {
        /* Refused (no click yet, sound on): stay at t, the Play button
         * showing, as the big sites do. */
        box.classList.add('autoplay-blocked');
        updatePlay();
      });
    }
  }
  if (media.hasAttribute('data-autoplay')) {
    if (media.readyState >= 1) autoplay();
    else media.addEventListener('loadedmetadata', autoplay, { once: true });
  }

  /* Resume where I left off: the position is kept in this browser's
   * localStorage only (never sent anywhere), per recording, and used when
   * the page is opened without ?t=. Near the start or the end it is
   * forgotten. */
  var resumeKey = 'qarchive.resume.' + (box.getAttribute('data-id') || window.location.pathname);
  var lastSaved = 0;
  function store(fn) { try { return fn(window.localStorage); } catch (err) { return null; } }
  media.addEventListener('timeupdate', function () {
    if (media.paused || Date.now() - lastSaved < 5000) return;
    lastSaved = Date.now();
    var t = media.currentTime, d = duration();
    store(function (ls) {
      if (t > 10 && (!d || t < d - 15)) ls.setItem(resumeKey, String(Math.floor(t)));
      else ls.removeItem(resumeKey);
    });
  });
  media.addEventListener('ended', function () { store(function (ls) { ls.removeItem(resumeKey); }); });
  var resumeAt = parseFloat(store(function (ls) { return ls.getItem(resumeKey); }));
  if (!media.hasAttribute('data-autoplay') && !media.hasAttribute('data-end') && resumeAt > 0 &&
      !new URLSearchParams(window.location.search).has('t')) {
    var note = el('p', 'resume-note');
    note.appendChild(document.createTextNode('Resumed where you left off, at ' + clock(resumeAt) + '. '));
    var restart = el('button', 'link', 'Start from the beginning');
    restart.type = 'button';
    restart.addEventListener('click', function () {
      seekTo(0);
      store(function (ls) { ls.removeItem(resumeKey); });
      note.remove();
    });
    note.appendChild(restart);
    box.insertAdjacentElement('afterend', note);
    var goResume = function () { if (media.currentTime < 1) seekTo(resumeAt); };
    if (media.readyState >= 1) goResume();
    else media.addEventListener('loadedmetadata', goResume, { once: true });
  }

  drawChapters();
  update();
  updatePlay();
  updateMute();
})();
