/* qarchive: the watch page, enhanced.
 *
 * The page works without this file: the player starts at ?t= through its
 * media fragment, and every time in the transcript and the agenda is a
 * link. With it:
 *   - clicking a time (or anywhere on a cue) seeks and plays without
 *     reloading the page; from the agenda, the player is brought into view
 *     first;
 *   - the transcript is one Tab stop (roving tabindex: ↑/↓, Page Up/Down,
 *     Home/End inside), entered at the current cue;
 *   - find in the transcript: matches marked, "2 of 5", next/previous;
 *   - the agenda item and the question ("Questions in this Q&A") being
 *     played are marked (aria-current);
 *   - the cue being spoken is marked (aria-current) and kept in view, until
 *     "Follow along" is switched off (or for a few seconds after the
 *     reader scrolls the transcript by hand);
 *   - the words of ?q= are marked in the transcript;
 *   - "Copy link to this moment" copies /watch/<id>?t=N, N the spoken
 *     cue's exact start;
 *   - selecting a stretch of transcript offers a clip link (?t=S&end=E);
 *   - a clip (?end=) pauses at its end;
 *   - while the recording is being transcribed, where the job stands is
 *     read from /api/recordings/<id> every 5 s, and the page reloads once
 *     the machine transcript is in (or the job failed, to say why).
 * Text from the page or the URL is only ever set with textContent or text
 * nodes, never parsed as HTML.
 */
(function () {
  'use strict';

  var media = document.getElementById('player');
  var list = document.getElementById('cues');
  var cues = list ? Array.prototype.slice.call(list.querySelectorAll('li.cue')) : [];
  var cueStarts = cues.map(function (li) { return parseFloat(li.getAttribute('data-start')) || 0; });
  var chapters = Array.prototype.slice.call(document.querySelectorAll('.agenda .chapters > li'));
  /* "Questions in this Q&A": the one being asked or answered is marked. */
  var asked = Array.prototype.slice.call(document.querySelectorAll('.asked .chapters > li'));
  var askedStarts = asked.map(function (li) { return parseFloat(li.getAttribute('data-start')) || 0; });
  var currentAsked = -1;
  var chapterStarts = chapters.map(function (li) { return parseFloat(li.getAttribute('data-start')) || 0; });
  var params = new URLSearchParams(window.location.search);
  var followButton = document.getElementById('follow');
  var follow = true;
  var manualScrollUntil = 0;
  var currentCue = -1;
  var currentChapter = -1;
  var clipEnd = media && media.hasAttribute('data-end') ? parseFloat(media.getAttribute('data-end')) : NaN;
  var startAt = media ? parseFloat(media.getAttribute('data-start')) || 0 : 0;

  /* "12:34" or "1:02:03", as the server writes them. */
  function clock(t) {
    var s = Math.max(0, Math.floor(t));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    var mm = h ? String(m).padStart(2, '0') : String(m);
    return (h ? h + ':' : '') + mm + ':' + String(sec).padStart(2, '0');
  }

  /* Seconds for a URL: whole, or up to three decimals. */
  function urlSeconds(t) {
    return String(Math.round(Math.max(0, t) * 1000) / 1000);
  }

  function pageUrl(t, end) {
    var u = new URL(window.location.pathname, window.location.origin);
    u.searchParams.set('t', urlSeconds(t));
    if (end !== undefined) u.searchParams.set('end', urlSeconds(end));
    return u.toString();
  }

  /* The last index whose start is at or before t, or -1. */
  function indexAt(starts, t) {
    var lo = 0, hi = starts.length - 1, at = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= t + 0.001) { at = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return at;
  }

  function scrollCueIntoView(li, smooth) {
    if (!list || !li) return;
    var top = li.offsetTop - list.offsetTop;
    var visible = top >= list.scrollTop + 8 && top + li.offsetHeight <= list.scrollTop + list.clientHeight - 8;
    if (visible) return;
    var target = Math.max(0, top - list.clientHeight / 3);
    if (list.scrollTo) list.scrollTo({ top: target, behavior: smooth ? 'smooth' : 'instant' });
    else list.scrollTop = target;
  }

  function markCurrent(t, scroll) {
    var i = indexAt(cueStarts, t);
    if (i !== currentCue) {
      if (currentCue >= 0 && cues[currentCue]) cues[currentCue].removeAttribute('aria-current');
      currentCue = i;
      if (i >= 0) {
        cues[i].setAttribute('aria-current', 'true');
        if (!list.contains(document.activeElement)) rove(cues[i], false);
        if (scroll && follow && Date.now() > manualScrollUntil) scrollCueIntoView(cues[i], true);
      }
    }
    var c = indexAt(chapterStarts, t);
    if (c !== currentChapter) {
      if (currentChapter >= 0 && chapters[currentChapter]) chapters[currentChapter].removeAttribute('aria-current');
      currentChapter = c;
      if (c >= 0) chapters[c].setAttribute('aria-current', 'true');
    }
    var q = indexAt(askedStarts, t);
    if (q !== currentAsked) {
      if (currentAsked >= 0 && asked[currentAsked]) asked[currentAsked].removeAttribute('aria-current');
      currentAsked = q;
      if (q >= 0) asked[q].setAttribute('aria-current', 'true');
    }
  }

  /* Words of the query, marked in the transcript. Fields (speaker:...),
   * operators and punctuation are left out; a word also marks the words
   * it begins (compile → compiled), as the search stems them. */
  function queryTerms(q) {
    var out = [];
    q = q.replace(/\b(speaker|release|kind|year|title):("[^"]*"|\S+)/gi, ' ');
    q.split(/[\s"()]+/).forEach(function (w) {
      w = w.replace(/^[-+]+/, '').replace(/\*+$/, '').replace(/^[^\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu, '');
      if (w.length < 2 || /^(AND|OR|NOT|NEAR|XOR)$/.test(w)) return;
      var lower = w.toLowerCase();
      var stem = lower.length > 5 ? lower.replace(/(ing|ed|es|s|ly)$/, '') : lower;
      if (out.indexOf(stem) < 0) out.push(stem);
    });
    return out;
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  function highlightQuery(q) {
    if (!q || !list) return null;
    var terms = queryTerms(q);
    if (!terms.length) return null;
    terms.sort(function (a, b) { return b.length - a.length; });
    var re = new RegExp('(?<![\\p{L}\\p{N}_])(?:' + terms.map(escapeRegExp).join('|') + ')[\\p{L}\\p{N}]*', 'giu');
    var first = null;
    list.querySelectorAll('.cue .text').forEach(function (span) {
      var walker = document.createTreeWalker(span, NodeFilter.SHOW_TEXT);
      var nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      nodes.forEach(function (node) {
        var text = node.nodeValue, last = 0, m, frag = null;
        re.lastIndex = 0;
        while ((m = re.exec(text)) !== null) {
          if (!m[0].length) { re.lastIndex++; continue; }
          frag = frag || document.createDocumentFragment();
          if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
          var mark = document.createElement('mark');
          mark.textContent = m[0];
          frag.appendChild(mark);
          last = m.index + m[0].length;
        }
        if (!frag) return;
        if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
        node.parentNode.replaceChild(frag, node);
        first = first || span.closest('li.cue');
      });
    });
    return first;
  }

  var firstMatch = highlightQuery(params.get('q'));

  /* The transcript is one Tab stop: its times have tabindex -1 but one
   * (roving tabindex, WAI-ARIA APG), the current cue's; ↑/↓ move between
   * cues, Page Up/Down ten at a time, Home/End to the ends. */
  var roving = null;
  function rove(li, focus) {
    var a = li && li.querySelector('a.ts');
    if (!a) return;
    if (roving && roving !== a) roving.tabIndex = -1;
    roving = a;
    a.tabIndex = 0;
    if (focus) { a.focus(); scrollCueIntoView(li, false); }
  }
  if (list && cues.length) {
    list.querySelectorAll('a.ts').forEach(function (a) { a.tabIndex = -1; });
    rove(list.querySelector('.cue[aria-current="true"]') || firstMatch || cues[0], false);
    list.addEventListener('keydown', function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var li = e.target.closest && e.target.closest('li.cue');
      var i = li ? cues.indexOf(li) : -1;
      if (i < 0) return;
      var steps = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, Home: -cues.length, End: cues.length };
      if (!(e.key in steps)) return;
      e.preventDefault();
      manualScrollUntil = Date.now() + 5000;
      rove(cues[Math.max(0, Math.min(cues.length - 1, i + steps[e.key]))], true);
    });
  }

  /* Find in the transcript: matches marked, "3 of 12", next and previous
   * (Enter, Shift+Enter). */
  var findBox = null;
  function setupFind() {
    var bar = document.querySelector('.transcript .bar');
    if (!list || !cues.length || !bar) return;
    findBox = document.createElement('div');
    findBox.className = 'find';
    findBox.setAttribute('role', 'search');
    findBox.setAttribute('aria-label', 'Find in the transcript');
    var input = document.createElement('input');
    input.type = 'search';
    input.id = 'find-q';
    input.setAttribute('aria-label', 'Find in the transcript');
    input.placeholder = 'Find in the transcript';
    var prev = document.createElement('button'), next = document.createElement('button');
    prev.type = next.type = 'button';
    prev.className = 'find-prev';
    next.className = 'find-next';
    prev.textContent = '↑';
    next.textContent = '↓';
    prev.setAttribute('aria-label', 'Previous match');
    next.setAttribute('aria-label', 'Next match');
    var count = document.createElement('span');
    count.className = 'find-count';
    count.setAttribute('role', 'status');
    [input, prev, next, count].forEach(function (n) { findBox.appendChild(n); });
    bar.insertAdjacentElement('afterend', findBox);

    var marks = [], at = -1, timer = 0;
    function clear() {
      marks.forEach(function (m) {
        var parent = m.parentNode;
        if (!parent) return;
        parent.replaceChild(document.createTextNode(m.textContent), m);
        parent.normalize();
      });
      marks = [];
      at = -1;
    }
    function run() {
      clear();
      var q = input.value.trim();
      if (q.length < 2) { count.textContent = ''; return; }
      var re = new RegExp(escapeRegExp(q), 'giu');
      list.querySelectorAll('.cue .text').forEach(function (span) {
        if (marks.length >= 1000) return;
        var walker = document.createTreeWalker(span, NodeFilter.SHOW_TEXT), nodes = [];
        while (walker.nextNode()) nodes.push(walker.currentNode);
        nodes.forEach(function (node) {
          var text = node.nodeValue, last = 0, m, frag = null;
          re.lastIndex = 0;
          while ((m = re.exec(text)) !== null && marks.length < 1000) {
            frag = frag || document.createDocumentFragment();
            if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
            var mark = document.createElement('mark');
            mark.className = 'find';
            mark.textContent = m[0];
            frag.appendChild(mark);
            marks.push(mark);
            last = m.index + m[0].length;
          }
          if (!frag) return;
          if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
          node.parentNode.replaceChild(frag, node);
        });
      });
      if (!marks.length) { count.textContent = 'No matches'; return; }
      go(0);
    }
    function go(i) {
      if (!marks.length) return;
      if (at >= 0 && marks[at]) marks[at].classList.remove('current');
      at = (i + marks.length) % marks.length;
      marks[at].classList.add('current');
      count.textContent = (at + 1) + ' of ' + marks.length + (marks.length >= 1000 ? '+' : '');
      var li = marks[at].closest('li.cue');
      manualScrollUntil = Date.now() + 10000;
      rove(li, false);
      scrollCueIntoView(li, false);
    }
    input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(run, 150); });
    input.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      clearTimeout(timer);
      if (input.value.trim() && !marks.length) run();
      else go(at + (e.shiftKey ? -1 : 1));
    });
    prev.addEventListener('click', function () { go(at - 1); });
    next.addEventListener('click', function () { go(at + 1); });
  }
  setupFind();

  if (!media) {
    /* Transcript only: the times stay plain links; show the moment of ?t=
     * (marked by the server), else the first match. */
    var marked = list && list.querySelector('.cue[aria-current="true"]');
    if (marked && params.has('t')) scrollCueIntoView(marked, false);
    else if (firstMatch) scrollCueIntoView(firstMatch, false);
    return;
  }

  function seek(t, play) {
    media.currentTime = t;
    markCurrent(t, true);
    if (play) {
      var p = media.play();
      if (p && p.catch) p.catch(function () { /* autoplay refused: the reader presses play */ });
    }
  }

  function show(el) { if (el) el.hidden = false; }
  show(document.querySelector('.player-tools'));
  show(document.querySelector('.transcript .tools'));

  /* Where the page was opened: the media fragment already starts there;
   * this covers a browser that ignores fragments. */
  media.addEventListener('loadedmetadata', function () {
    if (startAt > 0 && Math.abs(media.currentTime - startAt) > 0.5) media.currentTime = startAt;
  });
  media.addEventListener('timeupdate', function () {
    markCurrent(media.currentTime, !media.paused);
    if (!isNaN(clipEnd) && media.currentTime >= clipEnd - 0.05 && !media.paused) {
      media.pause();
      clipEnd = NaN; /* pressing play again goes on past the clip */
    }
  });
  media.addEventListener('seeked', function () { markCurrent(media.currentTime, true); });

  markCurrent(startAt, false);
  if (currentCue >= 0 && (params.has('t') || !firstMatch)) scrollCueIntoView(cues[currentCue], false);
  else if (firstMatch) scrollCueIntoView(firstMatch, false);

  /* A time in the transcript or the agenda: seek here instead of loading
   * the page again (a middle or modified click still opens the link). */
  /* A cue is clicked anywhere (not only on its time), unless the click
   * ends a selection (that offers a clip) or follows another link. */
  function clickedCue(e) {
    var li = e.target.closest && e.target.closest('li.cue');
    if (!li || !list || !list.contains(li) || e.target.closest('a:not(.ts)')) return null;
    var sel = window.getSelection && window.getSelection();
    if (sel && !sel.isCollapsed && sel.toString().trim()) return null;
    return li.querySelector('a.ts');
  }

  /* Seeking from the agenda or the questions far down the page: bring the
   * player back into view first, so it never plays off-screen. */
  function playerInView() {
    var r = media.getBoundingClientRect();
    if (r.bottom < 40 || r.top > window.innerHeight - 40)
      media.scrollIntoView({ block: 'start', behavior: 'instant' });
  }

  document.addEventListener('click', function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var a = (e.target.closest && e.target.closest('a[data-t]')) || clickedCue(e);
    if (!a) return;
    var t = parseFloat(a.getAttribute('data-t'));
    if (isNaN(t)) return;
    e.preventDefault();
    clipEnd = a.hasAttribute('data-end') ? parseFloat(a.getAttribute('data-end')) : NaN;
    if (!list || !list.contains(a)) playerInView();
    if (list && list.contains(a)) rove(a.closest('li.cue'), false);
    seek(t, true);
    var u = new URL(window.location.href);
    u.searchParams.set('t', urlSeconds(t));
    if (isNaN(clipEnd)) u.searchParams.delete('end'); else u.searchParams.set('end', urlSeconds(clipEnd));
    history.replaceState(null, '', u.toString());
  });

  /* Follow along: on by default; remembered for the next page. */
  try { follow = window.localStorage.getItem('qarchive.follow') !== 'off'; } catch (err) { follow = true; }
  if (followButton) {
    followButton.setAttribute('aria-pressed', String(follow));
    followButton.addEventListener('click', function () {
      follow = !follow;
      followButton.setAttribute('aria-pressed', String(follow));
      try { window.localStorage.setItem('qarchive.follow', follow ? 'on' : 'off'); } catch (err) { /* private mode */ }
      if (follow && currentCue >= 0) { manualScrollUntil = 0; scrollCueIntoView(cues[currentCue], true); }
    });
  }
  if (list) {
    var pause = function () { manualScrollUntil = Date.now() + 5000; };
    list.addEventListener('wheel', pause, { passive: true });
    list.addEventListener('touchmove', pause, { passive: true });
  }

  /* Copy a link to the moment playing (or paused at). */
  var copyButton = document.getElementById('copy-moment');
  var copyStatus = document.getElementById('copy-status');
  var copyFallback = document.getElementById('copy-fallback');

  function copyText(text, what) {
    function fallback() {
      copyFallback.value = text;
      copyFallback.hidden = false;
      copyFallback.focus();
      copyFallback.select();
      var done = false;
      try { done = document.execCommand('copy'); } catch (err) { done = false; }
      copyStatus.textContent = done ? what + ' copied.' : 'Press Ctrl+C (or ⌘C) to copy ' + what.toLowerCase() + '.';
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () {
        copyFallback.hidden = true;
        copyStatus.textContent = what + ' copied: ' + text;
      }, fallback);
    } else {
      fallback();
    }
  }

  /* The moment: the start of the cue being spoken, exactly as the
   * transcript has it (12.48, not 12), else the player's time. */
  if (copyButton) {
    copyButton.addEventListener('click', function () {
      var now = media.currentTime;
      var i = indexAt(cueStarts, now);
      var end = i >= 0 ? parseFloat(cues[i].getAttribute('data-end')) : NaN;
      var t = i >= 0 && !(now > end) ? cueStarts[i] : now;
      copyText(pageUrl(t), 'Link to ' + clock(t));
    });
  }

  /* A selection in the transcript: offer that stretch as a clip. */
  var offer = document.querySelector('.clip-offer');
  var selectionTimer = 0;

  function cueOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    var li = el && el.closest('li.cue');
    return li && list.contains(li) ? li : null;
  }

  function offerClip() {
    var sel = window.getSelection();
    if (!offer || !sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    var range = sel.getRangeAt(0);
    var a = cueOf(range.startContainer), b = cueOf(range.endContainer);
    if (!a || !b) return;
    var start = parseFloat(a.getAttribute('data-start'));
    var end = parseFloat(b.getAttribute('data-end'));
    if (isNaN(start) || isNaN(end) || end <= start) return;
    while (offer.firstChild) offer.removeChild(offer.firstChild);
    offer.appendChild(document.createTextNode('Clip ' + clock(start) + '–' + clock(end) + ': '));
    var play = document.createElement('a');
    play.href = pageUrl(start, end);
    play.setAttribute('data-t', urlSeconds(start));
    play.setAttribute('data-end', urlSeconds(end));
    play.textContent = 'play it';
    offer.appendChild(play);
    offer.appendChild(document.createTextNode(' · '));
    var copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'link';
    copy.textContent = 'copy its link';
    copy.addEventListener('click', function () { copyText(play.href, 'Clip link'); });
    offer.appendChild(copy);
    offer.hidden = false;
  }

  if (list && offer) {
    document.addEventListener('selectionchange', function () {
      clearTimeout(selectionTimer);
      selectionTimer = setTimeout(offerClip, 200);
    });
  }

  var job = document.querySelector('.transcription[data-state]');
  var jobText = job ? job.querySelector('.job-text') : null;
  function pollJob() {
    var id = window.location.pathname.replace(/^\/watch\//, '');
    fetch('/api/recordings/' + id, { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (rec) {
        var t = rec ? rec.transcription : null;
        if (rec && (rec.has_transcript || !t || t.state === 'failed')) {
          window.location.reload();
          return;
        }
        if (t) {
          job.setAttribute('data-state', t.state);
          jobText.textContent = t.text.charAt(0).toUpperCase() + t.text.slice(1);
        }
        setTimeout(pollJob, 5000);
      })
      .catch(function () { setTimeout(pollJob, 15000); });
  }
  if (jobText && job.getAttribute('data-state') !== 'failed' && window.fetch)
    setTimeout(pollJob, 5000);
})();
