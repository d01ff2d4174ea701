// spotsim report.html: draws the charts and tables of a run, a sweep or a comparison from the JSON that
// tools/report.cpp embeds in <script id="spotsim-data">. Chart.js (Debian's libjs-chart.js 3.9) is
// inlined before this script: the page fetches nothing and opens offline.
//
// The page reports on itself for tests (tests/browser): window.spotsimReport =
//   { ready: true, charts: [{id, title, drawn, points}], errors: [], events_listed: N }
// (events_listed: the rows of the last events table filled, on a run page with events.jsonl)
// set once every chart has been drawn; errors collects what the page caught (failed charts, bad data).
(function () {
  'use strict';
  const status = { ready: false, charts: [], errors: [] };
  window.spotsimReport = status;
  window.addEventListener('error', function (e) { status.errors.push(String(e.message || e)); });

  const data = JSON.parse(document.getElementById('spotsim-data').textContent);
  const app = document.getElementById('app');
  const palette = ['#0969da', '#bc4c00', '#1a7f37', '#8250df', '#cf222e', '#9a6700', '#1b7c83', '#bf3989',
                   '#57606a', '#0550ae', '#953800', '#116329'];
  const charts = [];
  let hoverX = null;  // the time under the mouse, drawn as a line on every time chart

  // ---- formatting

  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]);
    }
    for (const c of children || []) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    return e;
  }
  function num(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return '—';
    const d = digits === undefined ? 4 : digits;
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e9)) return v.toExponential(d - 1);
    return Number(v.toPrecision(d)).toLocaleString('en-US', { maximumFractionDigits: 8 });
  }
  function pct(v) { return v === null || v === undefined ? '—' : (v * 100).toPrecision(3) + ' %'; }
  function clock(startMs, s) {  // "02-05 13:07" (UTC)
    const d = new Date(startMs + s * 1000).toISOString();
    return d.slice(5, 10) + ' ' + d.slice(11, 16);
  }
  function clockFull(startMs, s) { return new Date(startMs + s * 1000).toISOString().replace('.000Z', 'Z'); }

  // ---- charts

  // Counts the points each chart drew, for window.spotsimReport.
  const statusPlugin = {
    id: 'spotsimStatus',
    afterRender(chart) {
      // Set on the canvas before the chart is built: Chart.js draws inside its constructor.
      const entry = chart.canvas.$spotsimEntry;
      if (!entry) return;
      entry.drawn = true;
      entry.points = chart.data.datasets.reduce((n, ds) => n + ds.data.length, 0);
    },
  };
  // One vertical line at the hovered time across every chart on the shared time axis.
  const crosshairPlugin = {
    id: 'spotsimCrosshair',
    afterEvent(chart, args) {
      if (!chart.$spotsimTime) return;
      const e = args.event;
      const before = hoverX;
      if (e.type === 'mouseout') hoverX = null;
      else if (e.type === 'mousemove') hoverX = chart.scales.x.getValueForPixel(e.x);
      if (hoverX !== before) {
        for (const c of charts) if (c !== chart && c.$spotsimTime) c.draw();
      }
    },
    afterDraw(chart) {
      if (!chart.$spotsimTime || hoverX === null) return;
      const x = chart.scales.x.getPixelForValue(hoverX);
      const area = chart.chartArea;
      if (x < area.left || x > area.right) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = 'rgba(27,31,36,0.35)';
      ctx.beginPath(); ctx.moveTo(x, area.top); ctx.lineTo(x, area.bottom); ctx.stroke();
      ctx.restore();
    },
  };
  // 95 % intervals as whiskers: a dataset's points may carry xLow/xHigh and yLow/yHigh.
  const whiskerPlugin = {
    id: 'spotsimWhiskers',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      chart.data.datasets.forEach((ds, i) => {
        if (!ds.whiskers || !chart.isDatasetVisible(i)) return;
        ctx.save();
        ctx.strokeStyle = ds.borderColor;
        ctx.lineWidth = 1;
        for (const p of ds.data) {
          const sx = chart.scales.x, sy = chart.scales.y;
          const px = sx.getPixelForValue(p.x), py = sy.getPixelForValue(p.y);
          ctx.beginPath();
          if (typeof p.xLow === 'number' && typeof p.xHigh === 'number') {
            ctx.moveTo(sx.getPixelForValue(p.xLow), py); ctx.lineTo(sx.getPixelForValue(p.xHigh), py);
          }
          if (typeof p.yLow === 'number' && typeof p.yHigh === 'number') {
            ctx.moveTo(px, sy.getPixelForValue(p.yLow)); ctx.lineTo(px, sy.getPixelForValue(p.yHigh));
          }
          ctx.stroke();
        }
        ctx.restore();
      });
    },
  };
  Chart.register(statusPlugin, crosshairPlugin, whiskerPlugin);

  function chartBox(parent, id, title, note, tall) {
    const canvas = el('canvas', { id: 'chart-' + id, 'data-chart': id, role: 'img', 'aria-label': title });
    const box = el('div', { class: 'chart' + (tall ? ' tall' : '') }, [el('h2', { text: title })]);
    if (note) box.appendChild(el('div', { class: 'note', text: note }));
    box.appendChild(el('div', { class: 'box' }, [canvas]));
    parent.appendChild(box);
    return canvas;
  }
  function makeChart(parent, id, title, config, note, tall) {
    const entry = { id: id, title: title, drawn: false, points: 0 };
    status.charts.push(entry);
    try {
      const canvas = chartBox(parent, id, title, note, tall);
      canvas.$spotsimEntry = entry;
      const chart = new Chart(canvas, config);
      chart.$spotsimTime = config.$time === true;
      charts.push(chart);
      return chart;
    } catch (err) {
      status.errors.push('chart ' + id + ': ' + err.message);
      return null;
    }
  }

  // Line datasets over the shared time axis. series = {x: [...], cols: {name: [...]}}
  function points(series, col) {
    const ys = series.cols[col];
    if (!ys) return [];
    const out = new Array(ys.length);
    for (let i = 0; i < ys.length; i++) out[i] = { x: series.x[i], y: ys[i] };
    return out;
  }
  function hasData(series, col) { return (series.cols[col] || []).some(v => v !== null); }
  function line(label, data, color, extra) {
    return Object.assign({ label: label, data: data, borderColor: color, backgroundColor: color + '55',
                           borderWidth: 1.5, pointRadius: 0, pointHitRadius: 4, fill: false, stepped: false }, extra || {});
  }
  // Ticks at whole minutes, hours or days: the smallest step giving at most 12 of them.
  function tickStep(durationS) {
    const steps = [60, 300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000];
    for (const s of steps) if (durationS / s <= 12) return s;
    return Math.ceil(durationS / 12 / 2592000) * 2592000;
  }
  function timeConfig(startMs, durationS, datasets, yTitle, opts) {
    const o = opts || {};
    return {
      type: 'line', $time: true,
      data: { datasets: datasets },
      options: {
        animation: false, parsing: false, normalized: true, responsive: true, maintainAspectRatio: false,
        interaction: { mode: o.mode || 'index', intersect: false, axis: 'x' },
        onClick: o.onClick,
        scales: {
          x: { type: 'linear', min: 0, max: durationS,
               ticks: { stepSize: tickStep(durationS), autoSkip: true, maxRotation: 0,
                        callback: v => (tickStep(durationS) >= 86400 ? clock(startMs, v).slice(0, 5) : clock(startMs, v)) } },
          y: { stacked: !!o.stacked, beginAtZero: o.beginAtZero !== false, title: { display: !!yTitle, text: yTitle } },
        },
        plugins: {
          legend: { labels: { boxWidth: 12 } },
          tooltip: { callbacks: {
            title: items => items.length ? clockFull(startMs, items[0].parsed.x) : '',
            label: item => item.dataset.label + ': ' + num(item.parsed.y, 5),
          } },
        },
      },
    };
  }

  // ---- events (run --events)

  function eventRows(events, from, to, insideFrom, insideTo) {
    const rows = [];
    for (const e of events) {
      if (e.t < from * 1000 || e.t > to * 1000) continue;
      const rest = Object.keys(e).filter(k => !['t', 'time', 'entity', 'id', 'event'].includes(k))
        .map(k => k + '=' + (typeof e[k] === 'string' ? e[k] : JSON.stringify(e[k]))).join(' ');
      const inside = e.t > insideFrom * 1000 && e.t <= insideTo * 1000;
      rows.push(el('tr', inside ? { class: 'inside' } : {}, [el('td', { text: e.time }), el('td', { text: e.entity }),
        el('td', { text: e.id }), el('td', { text: e.event }), el('td', { text: rest })]));
    }
    return rows;
  }
  // A table of events.jsonl's lines between two times; show(...) refills it. `sec` holds it.
  function eventsPanel(sec, run) {
    const info = el('div', { class: 'note' });
    const body = el('tbody');
    const table = el('table', { class: 'events' }, [el('thead', {}, [el('tr', {}, ['time', 'entity', 'id', 'event', 'details']
      .map(h => el('th', { class: 'l', text: h })))]), body]);
    sec.appendChild(info);
    sec.appendChild(el('div', { class: 'scroll' }, [table]));
    const ev = run.events;
    return function show(title, from, to, insideFrom, insideTo) {
      body.textContent = '';
      if (!ev) {
        info.textContent = title + ': run with --events to list the state changes here (events.jsonl).';
        return;
      }
      const rows = eventRows(ev.embedded, from, to, insideFrom, insideTo);
      info.textContent = title + ': ' + rows.length + ' events from ' + clockFull(run.start_ms, Math.max(0, from)) +
        ' to ' + clockFull(run.start_ms, to) + ' (highlighted: the minute itself)' + (ev.windowed ? '; the page embeds ' +
        ev.embedded.length + ' of the ' + ev.total + ' events of events.jsonl, those around the ten worst minutes' : '') + '.';
      for (const r of rows) body.appendChild(r);
      status.events_listed = rows.length;
    };
  }

  // ---- pages

  function figureCards(parent, figures) {
    parent.appendChild(el('div', { class: 'figures' }, figures.map(f =>
      el('div', { class: 'figure' }, [el('div', { class: 'v', text: f[1] }), el('div', { class: 'k', text: f[0] })]))));
  }

  function runCharts(parent, run, idPrefix, onClick) {
    const s = run.series, T = (ds, y, o) => timeConfig(run.start_ms, run.duration_s, ds, y, Object.assign({ onClick: onClick }, o || {}));
    const p = col => points(s, col);
    makeChart(parent, idPrefix + 'load', 'Load: offered vs served (requests/s)', T([
      line('offered', p('offered_rps'), palette[0]), line('served', p('served_rps'), palette[2]),
      line('dropped', p('dropped_rps'), palette[4])], 'requests/s'));
    makeChart(parent, idPrefix + 'instances', 'Instances by purchase option and state', T([
      line('On-Demand in service', p('instances_on_demand'), palette[0], { fill: 'origin', stepped: true }),
      line('spot in service', p('instances_spot'), palette[1], { fill: '-1', stepped: true }),
      line('pending', p('instances_pending'), palette[5], { fill: '-1', stepped: true }),
      line('draining (notice or termination)', p('instances_draining'), palette[4], { fill: '-1', stepped: true })],
      'instances', { stacked: true }), 'stacked');
    makeChart(parent, idPrefix + 'tasks', 'Tasks by state', T([
      line('running', p('tasks_running'), palette[2], { fill: 'origin', stepped: true, stack: 'tasks' }),
      line('pending', p('tasks_pending'), palette[5], { fill: '-1', stepped: true, stack: 'tasks' }),
      line('stopping', p('tasks_stopping'), palette[4], { fill: '-1', stepped: true, stack: 'tasks' }),
      line('service desired', p('service_desired'), palette[8], { stepped: true, borderDash: [4, 3], stack: 'desired' })],
      'tasks', { stacked: true }), 'running, pending and stopping stacked; desired (all services) dashed');
    makeChart(parent, idPrefix + 'drops', 'Dropped requests by reason (requests/s)', T([
      line('no target (503)', p('no_target_rps'), palette[4], { fill: 'origin' }),
      line('target lost (502)', p('target_lost_rps'), palette[1], { fill: '-1' }),
      line('timeout (504)', p('timeout_rps'), palette[7], { fill: '-1' }),
      line('rejected', p('rejected_rps'), palette[5], { fill: '-1' })], 'requests/s', { stacked: true }), 'stacked');
    const cpr = [line('CapacityProviderReservation', p('capacity_provider_reservation'), palette[3], { stepped: true })];
    if (run.cpr_target !== null && run.cpr_target !== undefined)
      cpr.push(line('target capacity', [{ x: 0, y: run.cpr_target }, { x: run.duration_s, y: run.cpr_target }], palette[8],
        { borderDash: [6, 4] }));
    if (hasData(s, 'cpu_utilization')) cpr.push(line('service CPU utilization', p('cpu_utilization'), palette[6]));
    makeChart(parent, idPrefix + 'reservation', 'CapacityProviderReservation and its target (%)', T(cpr, '%'));
    makeChart(parent, idPrefix + 'desired', 'Desired: service and Auto Scaling group', T([
      line('service desired count', p('service_desired'), palette[2], { stepped: true }),
      line('ASG desired capacity', p('asg_desired'), palette[0], { stepped: true })], 'count'));
    const prices = (run.prices || []).map((pr, i) => line(pr.pool, pr.x.map((x, j) => ({ x: x, y: pr.y[j] })), palette[i % palette.length],
      { stepped: true }));
    // Extend each price step to the end of the run so the last price shows.
    for (const ds of prices) if (ds.data.length) ds.data.push({ x: run.duration_s, y: ds.data[ds.data.length - 1].y });
    if ((run.notices || []).length) {
      prices.push(line('interruption notice', run.notices.map(n => ({ x: n.t_s, y: n.price, id: n.id })), palette[4],
        { showLine: false, pointRadius: 5, pointStyle: 'triangle', pointHoverRadius: 7 }));
    }
    makeChart(parent, idPrefix + 'spot-price', 'Spot price per pool (USD/h), interruption notices marked',
      T(prices, 'USD/h', { mode: 'nearest' }),
      (run.notices || []).length + ' interruption notices (triangles)');
    makeChart(parent, idPrefix + 'cost', 'Cumulative cost against the all-On-Demand baseline (USD)', T([
      line('cost (spot + On-Demand)', p('cost_usd_cumulative'), palette[0]),
      line('all On-Demand baseline', p('on_demand_baseline_usd_cumulative'), palette[8], { borderDash: [6, 4] })], 'USD'));
  }

  function runPage(run) {
    figureCards(app, run.headline);
    // The worst minute, with the events that led to it.
    const worst = el('section', { id: 'worst-minute' }, [el('h2', { text: 'Worst minute' })]);
    app.appendChild(worst);
    const w = run.worst;
    worst.appendChild(el('div', { text: w && w.dropped_rps > 0 ? 'The minute ending ' + clockFull(run.start_ms, w.t_s) + ' dropped ' +
      num(w.dropped_rps * 60, 4) + ' requests (' + num(w.dropped_rps, 4) + ' requests/s of ' + num(w.offered_rps, 4) +
      ' offered): ' + Object.keys(w.by_reason).filter(k => w.by_reason[k] > 0).map(k => k + ' ' + num(w.by_reason[k] * 60, 4)).join(', ') +
      '. Click any chart to list the events around that time.' : 'No request was dropped in any minute.' }));
    if (w && w.dropped_rps > 0) eventsPanel(worst, run)('The worst minute and the ten before it', w.t_s - 660, w.t_s + 60, w.t_s - 60, w.t_s);
    // Events around a clicked time: a panel along the bottom of the window.
    const around = el('section', { id: 'events-around', class: 'overlay', hidden: '' }, [
      el('button', { class: 'close', type: 'button', 'aria-label': 'close', text: '×' }), el('h2', { text: 'Events' })]);
    document.body.appendChild(around);
    around.querySelector('.close').addEventListener('click', () => { around.hidden = true; });
    const showAround = eventsPanel(around, run);
    const onClick = (evt, elements, chart) => {
      const x = chart.scales.x.getValueForPixel(evt.x);
      around.hidden = false;
      showAround('Around ' + clockFull(run.start_ms, x), x - 300, x + 300, x - 60, x);
    };
    runCharts(app, run, '', onClick);
  }

  // A table whose columns sort on click (numbers numerically, nulls last).
  function sortableTable(parent, id, columns, rows, rowClass) {
    const tbody = el('tbody');
    const heads = columns.map((c, i) => el('th', { class: 'sortable' + (i === 0 || c.text ? ' l' : ''), 'data-col': String(i), text: c.label }));
    const table = el('table', { id: id }, [el('thead', {}, [el('tr', {}, heads)]), tbody]);
    parent.appendChild(el('div', { class: 'scroll' }, [table]));
    let order = rows.slice();
    function render() {
      tbody.textContent = '';
      for (const r of order) {
        tbody.appendChild(el('tr', rowClass ? { class: rowClass(r) } : {},
          columns.map(c => el('td', c.text ? { class: 'l', text: c.show(r) } : { text: c.show(r) }))));
      }
    }
    heads.forEach((h, i) => h.addEventListener('click', () => {
      const asc = !h.classList.contains('sorted-asc');
      heads.forEach(x => x.classList.remove('sorted-asc', 'sorted-desc'));
      h.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
      const key = columns[i].key;
      order.sort((a, b) => {
        const x = key(a), y = key(b);
        if (x === y) return 0;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (x < y ? -1 : 1) * (asc ? 1 : -1);
      });
      render();
    }));
    render();
    return table;
  }

  // Axis bounds that hold every point's interval (the whiskers are drawn outside Chart.js's data).
  function extent(pts, axis) {
    let lo = Infinity, hi = -Infinity;
    for (const p of pts) {
      for (const v of [p[axis], p[axis + 'Low'], p[axis + 'High']]) {
        if (typeof v === 'number' && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      }
    }
    if (!Number.isFinite(lo)) return {};
    const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
    return { suggestedMin: lo - pad, suggestedMax: hi + pad };
  }

  function sweepPage(sw) {
    figureCards(app, sw.headline);
    const X = sw.x_figure, Y = sw.y_figure;
    const settingText = p => sw.axes.map(a => a.label + '=' + JSON.stringify(p.settings[a.path])).join(', ');
    const pt = p => ({ x: p.figures[X].mean, y: p.figures[Y].mean, xLow: p.figures[X].ci95_low, xHigh: p.figures[X].ci95_high,
      yLow: p.figures[Y].ci95_low, yHigh: p.figures[Y].ci95_high, point: p.point, label: settingText(p) });
    const plotted = sw.points.filter(p => p.plotted);
    const front = plotted.filter(p => p.pareto).map(pt).sort((a, b) => a.x - b.x);
    const others = plotted.filter(p => !p.pareto).map(pt).sort((a, b) => a.x - b.x);
    makeChart(app, 'pareto', 'Cost against drop rate, every grid point (mean and 95 % interval)', {
      type: 'scatter',
      data: { datasets: [
        { label: 'Pareto front', data: front, borderColor: palette[2], backgroundColor: palette[2], pointRadius: 5,
          showLine: true, borderDash: [5, 4], borderWidth: 1, whiskers: true },
        { label: 'dominated', data: others, borderColor: palette[0], backgroundColor: palette[0] + '99', pointRadius: 4, whiskers: true },
      ] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: Object.assign({ title: { display: true, text: sw.x_label } }, extent(front.concat(others), 'x')),
                  y: Object.assign({ title: { display: true, text: sw.y_label } }, extent(front.concat(others), 'y')) },
        plugins: { tooltip: { callbacks: { label: item => {
          const r = item.raw;
          return ['point ' + r.point + ': ' + r.label, sw.x_label + ' ' + num(r.x, 5) + ' [' + num(r.xLow, 4) + ', ' + num(r.xHigh, 4) + ']',
                  sw.y_label + ' ' + num(r.y, 5) + ' [' + num(r.yLow, 4) + ', ' + num(r.yHigh, 4) + ']'];
        } } } },
      },
    }, 'green: the points no other point beats on both cost and drop rate; whiskers: 95 % confidence intervals over ' +
       sw.replications + ' replications', true);
    const sec = el('section', {}, [el('h2', { text: 'Grid points (click a heading to sort)' })]);
    app.appendChild(sec);
    const cols = [{ label: 'point', key: p => p.point, show: p => String(p.point) }];
    for (const a of sw.axes) cols.push({ label: a.label, text: true, key: p => p.settings[a.path], show: p => JSON.stringify(p.settings[a.path]) });
    cols.push({ label: 'Pareto', text: true, key: p => (p.pareto ? 0 : 1), show: p => (p.pareto ? 'yes' : '') });
    for (const f of sw.columns) {
      // Rates read better as percentages.
      const show = f.name === 'requests.drop_rate' ? (v => (v === null ? '—' : num(v * 100, 3) + ' %')) : (v => num(v, 4));
      cols.push({ label: f.label, key: p => (p.figures[f.name] ? p.figures[f.name].mean : null), show: p => {
        const v = p.figures[f.name];
        return v ? show(v.mean) + ' [' + show(v.ci95_low) + ', ' + show(v.ci95_high) + ']' : '—';
      } });
    }
    sortableTable(sec, 'points', cols, sw.points, p => (p.pareto ? 'pareto' : ''));
  }

  function comparePage(cmp) {
    figureCards(app, cmp.headline);
    const F = name => cmp.figures.find(f => f.name === name);
    // Differences with their intervals, relative to the base mean.
    const key = cmp.figures.filter(f => cmp.key_figures.includes(f.name) && f.base.mean !== 0);
    const rel = key.map(f => ({ x: f.difference.mean / Math.abs(f.base.mean) * 100, y: f.name,
      xLow: f.difference.ci95_low / Math.abs(f.base.mean) * 100, xHigh: f.difference.ci95_high / Math.abs(f.base.mean) * 100, name: f.name }));
    makeChart(app, 'differences', 'Variant − base, % of the base mean, with 95 % intervals', {
      type: 'scatter',
      data: { datasets: [{ label: 'difference', data: rel, borderColor: palette[3], backgroundColor: palette[3], pointRadius: 5, whiskers: true }] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { y: { type: 'category', labels: rel.map(r => r.name), offset: true, ticks: { autoSkip: false } },
                  x: Object.assign({ title: { display: true, text: '% of base' } }, extent(rel.concat([{ x: 0 }]), 'x')) },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: item => {
          const r = item.raw, f = F(r.name);
          return r.name + ': ' + num(f.difference.mean, 5) + ' [' + num(f.difference.ci95_low, 4) + ', ' + num(f.difference.ci95_high, 4) + '] (' +
            num(r.x, 3) + ' %)';
        } } } },
      },
    }, cmp.interval_note, true);
    const sec = el('section', {}, [el('h2', { text: 'Every figure (bold: the interval excludes 0)' })]);
    app.appendChild(sec);
    const ci = v => num(v.mean, 5) + ' [' + num(v.ci95_low, 4) + ', ' + num(v.ci95_high, 4) + ']';
    sortableTable(sec, 'figures', [
      { label: 'figure', text: true, key: f => f.name, show: f => f.name },
      { label: 'base', key: f => f.base.mean, show: f => ci(f.base) },
      { label: 'variant', key: f => f.variant.mean, show: f => ci(f.variant) },
      { label: 'difference', key: f => f.difference.mean, show: f => ci(f.difference) },
      { label: 'change', key: f => f.relative_change, show: f => (f.relative_change === null ? '—' : pct(f.relative_change)) },
    ], cmp.figures, f => (f.significant ? 'sig' : ''));
    // Replication 0 of each, side by side on the shared time axis.
    app.appendChild(el('h2', { text: 'Replication 0 of each, side by side (same seed, same random streams)' }));
    const grid = el('div', { class: 'grid2' });
    app.appendChild(grid);
    const left = el('div', {}, [el('h2', { text: 'base: ' + cmp.base.title })]);
    const right = el('div', {}, [el('h2', { text: 'variant: ' + cmp.variant.title })]);
    grid.appendChild(left); grid.appendChild(right);
    runCharts(left, cmp.base, 'base-');
    runCharts(right, cmp.variant, 'variant-');
  }

  try {
    if (data.kind === 'run') runPage(data);
    else if (data.kind === 'sweep') sweepPage(data);
    else if (data.kind === 'compare') comparePage(data);
    else status.errors.push('unknown report kind ' + data.kind);
  } catch (err) {
    status.errors.push(String(err && err.stack || err));
  }
  // Chart.js draws synchronously with animation off; wait one frame so layout has settled.
  requestAnimationFrame(() => { status.ready = true; document.documentElement.setAttribute('data-ready', 'true'); });
})();
