// Draws the sensorwatch report from the JSON in <script id="data">, with uPlot (inlined before this script).
// Per series: the channels and predictions, the anomaly score and threshold, flags, events and labelled windows;
// the two panes of a series share their cursor and their zoom. Charts are drawn when they come near the viewport, and the rest one at a time while the page is idle.
(function () {
  'use strict';
  const errors = document.getElementById('errors');
  window.addEventListener('error', e => {
    errors.hidden = false;
    errors.textContent += 'Error in the report script: ' + e.message + '\n';
    document.body.dataset.errors = String(Number(document.body.dataset.errors || 0) + 1);
  });

  const data = JSON.parse(document.getElementById('data').textContent);
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22',
    '#17becf', '#393b79', '#ad494a', '#637939', '#8c6d31', '#7b4173', '#3182bd', '#e6550d'];
  const FLAG = '#d62728';
  const SCORE = '#553c9a';
  const EVENT_FILL = 'rgba(214,39,40,0.14)';
  const WINDOW_FILL = 'rgba(56,161,105,0.22)';
  const PREDICTIONS_SHOWN_UP_TO = 3; // channels; with more, predictions start hidden (click the legend)

  const el = (tag, attributes, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attributes || {})) {
      if (k === 'text') { node.textContent = v; } else { node.setAttribute(k, v); }
    }
    for (const child of children) { node.append(child); }
    return node;
  };
  const utc = ms => {
    if (ms == null) { return '–'; }
    const iso = new Date(ms).toISOString();
    return iso.slice(0, 10) + ' ' + (iso.endsWith('.000Z') ? iso.slice(11, 19) : iso.slice(11, 23));
  };
  // Tick labels of the time axis in UTC, 24-hour: within a day the time, at midnight the date; the date
  // (or the year) once more under the first tick, and the year under the tick where it changes.
  const timeTicks = (u, splits, axisIndex, space, step) => {
    let year = null;
    return splits.map((v, i) => {
      if (v == null) { return null; }
      const iso = new Date(v * 1000).toISOString();
      const day = iso.slice(0, 10);
      const clock = iso.slice(11, step >= 60 ? 16 : 19);
      if (step >= 365 * 86400) { return day.slice(0, 4); }
      if (step >= 28 * 86400) { return day.slice(0, 7); }
      const midnight = iso.slice(11, 19) === '00:00:00';
      const text = step >= 86400 || midnight ? day.slice(5) : clock;
      const under = i === 0 ? (step >= 86400 ? day.slice(0, 4) : day) : day.slice(0, 4) !== year ? day.slice(0, 4) : '';
      year = day.slice(0, 4);
      return under ? text + '\n' + under : text;
    });
  };
  const num = v => v == null ? '–' : String(Number(v.toPrecision(6)));
  const score = v => v == null ? '–' : v.toFixed(5);
  const words = code => code == null ? '–' : code.replace(/_/g, ' ');
  const plural = (n, one, many) => n.toLocaleString('en') + ' ' + (n === 1 ? one : (many || one + 's'));

  // ---- summary ----
  const all = data.series;
  const totals = all.reduce((t, s) => {
    t.rows += s.rows; t.flagged += s.flagged; t.events += s.events.length;
    if (data.labelled) {
      t.windows += s.w.length; t.hit += s.w.filter(w => w.hit).length;
      t.labelledEvents += s.events.filter(e => e.labelled).length;
    }
    return t;
  }, { rows: 0, flagged: 0, events: 0, windows: 0, hit: 0, labelledEvents: 0 });
  const summary = document.getElementById('summary');
  summary.append(el('p', { class: 'meta', text: plural(all.length, 'series', 'series') + ', ' + plural(totals.rows, 'reading')
      + ', ' + plural(totals.flagged, 'flagged reading') + ', ' + plural(totals.events, 'event') + '; threshold '
      + data.threshold + '.'
      + (data.labelled ? ' Labels: ' + plural(totals.windows, 'labelled window') + ', ' + totals.hit + ' overlapped by an event; '
        + totals.labelledEvents + ' of ' + totals.events + ' events overlap a labelled window.'
        : ' No labels given: no labelled windows are shown.') }));
  summary.append(el('p', { class: 'note', text: 'Times are UTC. Drag across a chart to zoom into a time range, double-click '
      + 'it to zoom back out; both charts of a series follow. Click a legend entry to hide or show that line, and a row '
      + 'of an events table to zoom to that event. An event runs from the flagged reading that opened it until it ends.' }));
  const overview = el('table', { class: 'series-list' });
  const head = ['series', 'readings', 'channels', 'flagged', 'events'];
  if (data.labelled) { head.push('labelled windows', 'with an event'); }
  overview.append(el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { class: i > 0 && h !== 'channels' ? 'num' : '', text: h })))));
  const overviewBody = el('tbody');
  for (const s of all) {
    const cells = [el('td', {}, el('a', { href: '#' + s.id, text: s.name })), el('td', { class: 'num', text: s.rows.toLocaleString('en') }),
      el('td', { text: s.channels.length > 1 ? s.channels.length + ': ' + s.channels.join(', ') : s.channels[0] }),
      el('td', { class: 'num', text: String(s.flagged) }), el('td', { class: 'num', text: String(s.events.length) })];
    if (data.labelled) {
      cells.push(el('td', { class: 'num', text: String(s.w.length) }), el('td', { class: 'num', text: String(s.w.filter(w => w.hit).length) }));
    }
    overviewBody.append(el('tr', {}, ...cells));
  }
  overview.append(overviewBody);
  summary.append(overview);

  // ---- one series ----
  const root = document.getElementById('report');
  const pending = new Map(); // chart host -> function drawing it
  const drawn = [];          // every uPlot drawn, for resizing

  function spans(u, list, fill) {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const least = 2 * uPlot.pxRatio;
    ctx.save();
    ctx.fillStyle = fill;
    for (const [a, b] of list) {
      let x0 = u.valToPos(a / 1000, 'x', true);
      let x1 = u.valToPos(b / 1000, 'x', true);
      if (x1 < left || x0 > left + width) { continue; }
      x0 = Math.max(x0, left);
      x1 = Math.min(x1, left + width);
      ctx.fillRect(x0, top, Math.max(x1 - x0, least), height);
    }
    ctx.restore();
  }

  function eventNames(u, s) {
    const ctx = u.ctx;
    const { left, top, width } = u.bbox;
    ctx.save();
    ctx.fillStyle = '#742a2a';
    ctx.font = Math.round(10 * uPlot.pxRatio) + 'px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    let free = left;
    for (const e of s.events) {
      const x = u.valToPos(e.start / 1000, 'x', true);
      if (x < left || x > left + width) { continue; }
      const text = words(e.signal) + (e.channel && s.channels.length > 1 ? ' · ' + e.channel : '');
      const w = ctx.measureText(text).width;
      if (x >= free && x + w <= left + width) {
        ctx.fillText(text, x + 2 * uPlot.pxRatio, top + 2 * uPlot.pxRatio);
        free = x + w + 8 * uPlot.pxRatio;
      }
    }
    ctx.restore();
  }

  function section(s) {
    const multi = s.channels.length > 1;
    const box = el('section', { class: 'series', id: s.id });
    box.append(el('h2', { text: s.name }));
    const bySignal = Object.entries(s.bySignal).map(([k, n]) => n + ' ' + words(k)).join(', ');
    box.append(el('div', { class: 'meta', text: plural(s.rows, 'reading') + ', ' + utc(s.t[0]) + ' to ' + utc(s.t[s.t.length - 1])
        + ' UTC; ' + (multi ? s.channels.length + ' channels: ' + s.channels.join(', ') : 'channel ' + s.channels[0]) + '; '
        + plural(s.flagged, 'flagged reading') + (s.flagged ? ' (' + bySignal + ')' : '') + ', ' + plural(s.events.length, 'event')
        + (data.labelled ? ', ' + plural(s.w.length, 'labelled window') : '') }));
    if (s.kept < s.rows) {
      box.append(el('p', { class: 'note', text: 'Thinned for drawing: ' + s.kept.toLocaleString('en') + ' of '
          + s.rows.toLocaleString('en') + ' readings drawn (of each stretch of about ' + s.stretch
          + ' readings its first, each channel\'s lowest and highest and the highest score; every flagged reading and every '
          + 'event\'s first and last reading). Zooming in does not bring back the others; the events table counts every reading.' }));
    }
    if (multi && s.channels.length > PREDICTIONS_SHOWN_UP_TO) {
      box.append(el('p', { class: 'note', text: 'Predictions are hidden to keep ' + s.channels.length
          + ' channels readable; click a prediction in the legend to show it.' }));
    }
    const key = el('div', { class: 'note' });
    key.append('Shaded:', el('span', { class: 'swatch', style: 'background:' + EVENT_FILL.replace('0.14', '0.35') }), 'event');
    if (data.labelled) {
      key.append(el('span', { class: 'swatch', style: 'background:' + WINDOW_FILL.replace('0.22', '0.45') }), 'labelled window');
    }
    key.append(el('span', { class: 'swatch', style: 'background:' + FLAG + ';border-radius:50%;width:8px;height:8px' }),
        'flagged reading' + (multi ? ' (on its top channel)' : ''));
    box.append(key);
    if (multi) {
      const buttons = el('div', { class: 'note' }, 'Channels: ');
      for (const [text, show] of [['show all', true], ['hide all', false]]) {
        const button = el('button', { type: 'button', text });
        button.addEventListener('click', () => {
          if (pending.has(host)) { pending.get(host)(); pending.delete(host); }
          const values = host.charts[0];
          values.batch(() => s.channels.forEach((name, c) => values.setSeries(1 + c, { show })));
        });
        buttons.append(button, ' ');
      }
      buttons.append('(or click a channel in the legend)');
      box.append(buttons);
    }
    const host = el('div', { class: 'charts' });
    const info = el('div', { class: 'info' });
    box.append(host, info);
    box.append(eventsTable(s, host));
    pending.set(host, () => draw(s, host, info));
    return box;
  }

  function eventsTable(s, host) {
    if (!s.events.length) {
      return el('p', { class: 'note', text: 'No events.' });
    }
    const head = ['#', 'start (UTC)', 'end (UTC)', 'readings', 'peak score', 'signal', 'top channel'];
    if (data.labelled) { head.push('labelled window'); }
    const table = el('table', { class: 'events' });
    table.append(el('caption', { class: 'note', text: 'Events of ' + s.name }));
    table.append(el('thead', {}, el('tr', {}, ...head.map(h => el('th', {
      class: ['#', 'readings', 'peak score'].includes(h) ? 'num' : '', text: h })))));
    const body = el('tbody');
    s.events.forEach((e, i) => {
      const channel = e.channel == null ? '–' : s.channels.length > 1 ? e.channel + ' (' + Math.round(e.share * 100) + ' %)' : e.channel;
      const row = el('tr', { title: 'zoom to this event' },
          el('td', { class: 'num', text: String(i + 1) }), el('td', { text: utc(e.start) }), el('td', { text: utc(e.end) }),
          el('td', { class: 'num', text: String(e.readings) }), el('td', { class: 'num', text: score(e.peak) }),
          el('td', { text: words(e.signal) }), el('td', { text: channel }));
      if (data.labelled) {
        row.append(el('td', { class: e.labelled ? 'yes' : 'no', text: e.labelled ? 'overlaps' : 'none' }));
      }
      row.addEventListener('click', () => zoom(s, host, e));
      body.append(row);
    });
    table.append(body);
    return table;
  }

  function zoom(s, host, e) {
    if (pending.has(host)) { pending.get(host)(); pending.delete(host); }
    const span = s.t[s.t.length - 1] - s.t[0];
    const margin = Math.max(e.end - e.start, span / 100);
    for (const u of host.charts || []) {
      u.setScale('x', { min: (e.start - margin) / 1000, max: (e.end + margin) / 1000 });
    }
    host.scrollIntoView({ behavior: 'smooth', block: 'center' });
  }

  function draw(s, host, info) {
    const multi = s.channels.length > 1;
    const n = s.t.length;
    const x = Float64Array.from(s.t, t => t / 1000);
    const width = Math.max(480, host.clientWidth);
    const eventSpans = s.events.map(e => [e.start, e.end]);
    const windowSpans = data.labelled ? s.w.map(w => [w.start, w.end]) : [];
    const group = [];
    let syncing = false;
    const time = { label: 'time (UTC)', value: (u, v) => v == null ? '–' : utc(v * 1000) };

    const common = (height, label, range, series) => ({
      width, height, series,
      tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
      cursor: { sync: { key: s.id }, drag: { x: true, y: false } },
      scales: { x: { time: true }, y: range ? { range } : {} },
      axes: [{ values: timeTicks, size: 48 }, { label, size: 64, labelSize: 20 }],
      hooks: {
        drawClear: [u => { spans(u, windowSpans, WINDOW_FILL); spans(u, eventSpans, EVENT_FILL); }],
        setScale: [(u, scaleKey) => {
          if (scaleKey !== 'x' || syncing) { return; }
          syncing = true;
          for (const other of group) {
            if (other !== u && (other.scales.x.min !== u.scales.x.min || other.scales.x.max !== u.scales.x.max)) {
              other.setScale('x', { min: u.scales.x.min, max: u.scales.x.max });
            }
          }
          syncing = false;
        }],
        setCursor: [u => describe(u.cursor.idx)],
      },
    });

    // values pane: every channel, its prediction, the flagged readings on their top channel
    const valueSeries = [time];
    const valueData = [x];
    s.channels.forEach((name, c) => {
      valueSeries.push({ label: name, stroke: PALETTE[c % PALETTE.length], width: 1, value: (u, v) => num(v) });
      valueData.push(s.v[c]);
    });
    const showPredictions = s.channels.length <= PREDICTIONS_SHOWN_UP_TO;
    s.channels.forEach((name, c) => {
      valueSeries.push({ label: multi ? 'prediction ' + name : 'prediction', stroke: PALETTE[c % PALETTE.length], width: 1,
        dash: [4, 3], alpha: 0.75, show: showPredictions, value: (u, v) => num(v) });
      valueData.push(s.p[c]);
    });
    const flaggedValue = new Array(n).fill(null);
    for (const k of s.fl) {
      const c = multi && s.tc[k] >= 0 ? s.tc[k] : 0;
      flaggedValue[k] = s.v[c][k];
    }
    const marks = { label: 'flagged', stroke: FLAG, fill: FLAG, width: 0, paths: () => null,
      points: { show: true, size: 8, width: 1, stroke: '#fff', fill: FLAG }, value: (u, v) => v == null ? '–' : num(v) };
    valueSeries.push(marks);
    valueData.push(flaggedValue);

    // score pane: the score, the threshold, the flagged readings; events named by their signal
    const flaggedScore = new Array(n).fill(null);
    for (const k of s.fl) { flaggedScore[k] = s.s[k]; }
    const scoreSeries = [time,
      { label: 'anomaly score', stroke: SCORE, width: 1, value: (u, v) => score(v) },
      { label: 'threshold', stroke: FLAG, width: 1, dash: [6, 4], value: () => String(data.threshold) },
      Object.assign({}, marks, { value: (u, v) => score(v) })];
    const scoreData = [x, s.s, new Array(n).fill(data.threshold), flaggedScore];

    host.append(el('div', { class: 'pane-title', text: multi ? 'Values of the ' + s.channels.length + ' channels' : 'Value' }));
    const valuesHost = el('div');
    host.append(valuesHost);
    host.append(el('div', { class: 'pane-title', text: 'Anomaly score (events named by signal'
        + (multi ? ' and top channel)' : ')') }));
    const scoreHost = el('div');
    host.append(scoreHost);
    const valuesOpts = common(multi ? 300 : 240, multi ? 'value' : s.channels[0], null, valueSeries);
    const scoreOpts = common(170, 'score', [0, 1], scoreSeries);
    scoreOpts.hooks.draw = [u => eventNames(u, s)];
    group.push(new uPlot(valuesOpts, valueData, valuesHost));
    group.push(new uPlot(scoreOpts, scoreData, scoreHost));
    host.charts = group;
    drawn.push(...group);
    document.body.dataset.drawn = String(Number(document.body.dataset.drawn || 0) + 1);

    function describe(k) {
      if (k == null || k < 0 || k >= n) { info.textContent = ''; return; }
      const signal = s.sg[k] < 0 ? 'not scored' : 'signal ' + words(s.signals[s.sg[k]]);
      const top = multi && s.tc[k] >= 0 ? ', top channel ' + s.channels[s.tc[k]] : '';
      info.textContent = utc(s.t[k]) + ' UTC: score ' + score(s.s[k]) + ', ' + signal + top
          + (s.fl.includes(k) ? ', flagged' : '');
    }
  }

  for (const s of all) { root.append(section(s)); }

  let observer = null;
  if ('IntersectionObserver' in window) {
    observer = new IntersectionObserver(entries => {
      for (const entry of entries) {
        if (entry.isIntersecting && pending.has(entry.target)) {
          observer.unobserve(entry.target);
          const drawIt = pending.get(entry.target);
          pending.delete(entry.target);
          drawIt();
        }
      }
    }, { rootMargin: '800px 0px' });
    for (const host of pending.keys()) { observer.observe(host); }
  } else {
    for (const drawIt of pending.values()) { drawIt(); }
    pending.clear();
  }
  // the charts not yet in view are drawn one at a time while the page is idle, first to last, so
  // that every chart is there by the time the reader (or a tool that does not scroll) gets to it
  function drawNextPending() {
    const next = pending.keys().next();
    if (next.done) { return; }
    const host = next.value;
    const drawIt = pending.get(host);
    pending.delete(host);
    if (observer) { observer.unobserve(host); }
    drawIt();
    setTimeout(drawNextPending, 50);
  }
  setTimeout(drawNextPending, 200);

  let resizing = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      for (const u of drawn) {
        const width = Math.max(480, u.root.parentElement.parentElement.clientWidth);
        u.setSize({ width, height: u.height });
      }
    }, 150);
  });
  document.body.dataset.ready = 'yes';
})();
