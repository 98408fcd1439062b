#!/usr/bin/env node
// Generates grafana/dashboards/*.json. The JSON files are committed and are
// what Grafana loads; edit this script and re-run `node grafana/build-dashboards.mjs`
// rather than editing the JSON by hand, so the three dashboards stay consistent
// (same variables, datasource references, links and conventions).
// test/bundle/dashboards-lint.test.ts checks the generated files.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Output directory: grafana/dashboards, or the first argument (used by the
// tests to check that the committed JSON is up to date).
const OUT = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'dashboards');
const PROM_UID = 'netscore-prometheus';
const DS = { type: 'prometheus', uid: '${datasource}' };

// Label matchers shared by the queries.
const I = 'job=~"$job",instance=~"$instance"';
const IF = `${I},interface=~"$interface"`;

// ---------------------------------------------------------------- helpers

let nextId = 1;
let cursor = { x: 0, y: 0, rowH: 0 };

function resetLayout() {
  nextId = 1;
  cursor = { x: 0, y: 0, rowH: 0 };
}

/** Places a panel of width w and height h, wrapping at 24 columns. */
function place(w, h) {
  if (cursor.x + w > 24) {
    cursor = { x: 0, y: cursor.y + cursor.rowH, rowH: 0 };
  }
  const pos = { h, w, x: cursor.x, y: cursor.y };
  cursor.x += w;
  cursor.rowH = Math.max(cursor.rowH, h);
  return pos;
}

function row(title) {
  if (cursor.x > 0) cursor = { x: 0, y: cursor.y + cursor.rowH, rowH: 0 };
  const p = { type: 'row', id: nextId++, title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y: cursor.y }, panels: [] };
  cursor = { x: 0, y: cursor.y + 1, rowH: 0 };
  return p;
}

function target(expr, legendFormat = '', refId = 'A', extra = {}) {
  return { refId, datasource: DS, editorMode: 'code', expr, legendFormat, range: true, instant: false, ...extra };
}

function instantTable(expr, refId = 'A') {
  return { refId, datasource: DS, editorMode: 'code', expr, legendFormat: '__auto', range: false, instant: true, format: 'table' };
}

function timeseries({ title, description, targets, unit = 'short', w = 12, h = 8, stack = false, bars = false, min = 0, log = false, overrides = [], thresholds }) {
  const custom = {
    drawStyle: bars ? 'bars' : 'line',
    lineWidth: 1,
    fillOpacity: stack || bars ? 60 : 10,
    showPoints: 'never',
    spanNulls: false,
    stacking: { mode: stack ? 'normal' : 'none', group: 'A' },
    axisSoftMin: min,
    scaleDistribution: log ? { type: 'log', log: 10 } : { type: 'linear' },
  };
  if (thresholds) custom.thresholdsStyle = { mode: 'line' };
  return {
    type: 'timeseries',
    id: nextId++,
    title,
    description,
    datasource: DS,
    gridPos: place(w, h),
    targets,
    fieldConfig: {
      defaults: {
        unit,
        custom,
        color: { mode: 'palette-classic' },
        thresholds: thresholds ?? { mode: 'absolute', steps: [{ color: 'green', value: null }] },
      },
      overrides,
    },
    options: {
      legend: { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['mean', 'max', 'lastNotNull'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

/** A third-width time series of a usage per instance with its limit drawn dashed; used and limit are [expr, legend suffix]. */
function usedAndLimit({ title, description, used, limit }) {
  return timeseries({
    title,
    description,
    targets: [target(used[0], `{{instance}} ${used[1]}`), target(limit[0], `{{instance}} ${limit[1]}`, 'B')],
    w: 8,
    overrides: [
      {
        matcher: { id: 'byRegexp', options: `.* ${limit[1]}` },
        properties: [
          { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
          { id: 'custom.fillOpacity', value: 0 },
        ],
      },
    ],
  });
}

function stat({ title, description, targets, unit = 'short', w = 4, h = 4, mappings = [], thresholds, textMode = 'auto', colorMode = 'value', decimals }) {
  const defaults = {
    unit,
    mappings,
    color: { mode: 'thresholds' },
    thresholds: thresholds ?? { mode: 'absolute', steps: [{ color: 'blue', value: null }] },
  };
  if (decimals !== undefined) defaults.decimals = decimals;
  return {
    type: 'stat',
    id: nextId++,
    title,
    description,
    datasource: DS,
    gridPos: place(w, h),
    targets,
    fieldConfig: { defaults, overrides: [] },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: 'auto',
      textMode,
      colorMode,
      graphMode: 'none',
      justifyMode: 'auto',
      wideLayout: true,
      showPercentChange: false,
    },
  };
}

function heatmap({ title, description, expr, unit, w = 12, h = 8 }) {
  return {
    type: 'heatmap',
    id: nextId++,
    title,
    description,
    datasource: DS,
    gridPos: place(w, h),
    targets: [{ ...target(expr, '{{le}}'), format: 'heatmap' }],
    fieldConfig: { defaults: { custom: { hideFrom: { legend: false, tooltip: false, viz: false }, scaleDistribution: { type: 'linear' } } }, overrides: [] },
    options: {
      calculate: false,
      cellGap: 1,
      color: { mode: 'scheme', scheme: 'Oranges', steps: 64, exponent: 0.5, fill: 'dark-orange', reverse: false, scale: 'exponential' },
      yAxis: { axisPlacement: 'left', unit, reverse: false },
      rowsFrame: { layout: 'auto' },
      tooltip: { mode: 'single', yHistogram: true, showColorScale: false },
      legend: { show: true },
      exemplars: { color: 'rgba(255,0,255,0.7)' },
      filterValues: { le: 1e-9 },
      showValue: 'never',
      cellValues: { unit: 'pps' },
    },
  };
}

function stateTimeline({ title, description, targets, mappings, w = 12, h = 6, thresholds }) {
  return {
    type: 'state-timeline',
    id: nextId++,
    title,
    description,
    datasource: DS,
    gridPos: place(w, h),
    targets,
    fieldConfig: {
      defaults: {
        mappings,
        color: { mode: 'thresholds' },
        thresholds: thresholds ?? { mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'green', value: 1 }] },
        custom: { fillOpacity: 80, lineWidth: 0 },
      },
      overrides: [],
    },
    options: { mergeValues: true, showValue: 'auto', alignValue: 'left', rowHeight: 0.9, legend: { displayMode: 'list', placement: 'bottom', showLegend: false }, tooltip: { mode: 'single', sort: 'none' } },
  };
}

function table({ title, description, targets, transformations = [], overrides = [], w = 24, h = 8, unit = 'short', sortBy = [] }) {
  return {
    type: 'table',
    id: nextId++,
    title,
    description,
    datasource: DS,
    gridPos: place(w, h),
    targets,
    transformations,
    fieldConfig: {
      defaults: { unit, custom: { align: 'auto', cellOptions: { type: 'auto' }, filterable: true }, thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }] } },
      overrides,
    },
    options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], countRows: false, fields: '' }, sortBy },
  };
}

const upDownMappings = [
  { type: 'value', options: { 0: { text: 'DOWN', color: 'red', index: 0 }, 1: { text: 'UP', color: 'green', index: 1 } } },
];

const colorOverride = (name, color) => ({
  matcher: { id: 'byName', options: name },
  properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }],
});

// ---------------------------------------------------------------- variables

function dsVar() {
  return {
    type: 'datasource',
    name: 'datasource',
    label: 'Data source',
    description: 'Prometheus that scrapes netscore.',
    query: 'prometheus',
    current: { selected: false, text: 'Prometheus (netscore)', value: PROM_UID },
    hide: 0,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
    skipUrlSync: false,
  };
}

function queryVar(name, label, query, { includeAll = true, multi = true, allValue = '.*', description = '', current } = {}) {
  return {
    type: 'query',
    name,
    label,
    description,
    datasource: DS,
    definition: query,
    query: { qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    includeAll,
    multi,
    allValue,
    current: current ?? { selected: true, text: ['All'], value: ['$__all'] },
    options: [],
    regex: '',
    sort: 1,
    hide: 0,
    skipUrlSync: false,
  };
}

function customVar(name, label, values, current, description = '') {
  return {
    type: 'custom',
    name,
    label,
    description,
    query: values.join(','),
    current: { selected: true, text: current, value: current },
    options: values.map((v) => ({ selected: v === current, text: v, value: v })),
    includeAll: false,
    multi: false,
    hide: 0,
    skipUrlSync: false,
  };
}

/** The variables of every dashboard; `interface` only where some panel's metric has an interface label. */
const commonVars = (withInterface) => [
  dsVar(),
  queryVar('job', 'Job', 'label_values(netscore_build_info, job)', { allValue: '.+', description: 'Prometheus job(s) scraping netscore.' }),
  queryVar('instance', 'Instance', 'label_values(netscore_build_info{job=~"$job"}, instance)', { allValue: '.+', description: 'netscore exporter(s), host:port as scraped.' }),
  ...(withInterface
    ? [queryVar('interface', 'Interface', 'label_values(netscore_capture_up{job=~"$job",instance=~"$instance"}, interface)', { allValue: '.*', description: 'Captured interface(s) or replayed file(s).' })]
    : []),
];

/** Features the feature-aggregates panel shows until the user picks others: one per behaviour the categories key on. */
const DEFAULT_FEATURES = ['flows_started', 'dst_ports', 'failed_share', 'bytes_sent', 'dns_queries'];

function dashboard({ uid, title, description, panels, extraVars = [], time = 'now-1h', withInterface = true }) {
  return {
    uid,
    title,
    description,
    tags: ['netscore'],
    editable: false,
    graphTooltip: 1,
    timezone: 'browser',
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: '30s',
    schemaVersion: 39,
    version: 1,
    time: { from: time, to: 'now' },
    timepicker: {},
    weekStart: '',
    links: [
      { type: 'dashboards', title: 'netscore', tags: ['netscore'], asDropdown: false, includeVars: true, keepTime: true, icon: 'external link', targetBlank: false, tooltip: '', url: '' },
    ],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
        {
          name: 'Critical incidents',
          datasource: DS,
          enable: true,
          hide: false,
          iconColor: 'red',
          expr: `ALERTS{alertname="NetscoreIncidentCritical",alertstate="firing",${I}}`,
          step: '60s',
          titleFormat: 'Critical incident',
          textFormat: 'incident {{incident}}: {{host}} {{category}} on {{instance}}',
          tagKeys: 'incident,host,category',
          useValueForTime: false,
        },
      ],
    },
    templating: { list: [...commonVars(withInterface), ...extraVars] },
    panels,
  };
}

// ---------------------------------------------------------------- traffic

function traffic() {
  resetLayout();
  const panels = [];
  panels.push(row('Traffic'));
  panels.push(
    timeseries({
      title: 'Packets/s by protocol',
      description: 'Packets per second decoded by netscore on the selected interfaces, stacked by protocol (tcp, udp, icmp, icmpv6, ip_other, arp, other).',
      targets: [target(`sum by (protocol) (rate(netscore_packets_total{${IF}}[$__rate_interval]))`, '{{protocol}}')],
      unit: 'pps',
      stack: true,
    }),
    timeseries({
      title: 'Bits/s by protocol',
      description: 'Throughput in bits per second (8 × bytes on the wire as captured), stacked by protocol.',
      targets: [target(`8 * sum by (protocol) (rate(netscore_bytes_total{${IF}}[$__rate_interval]))`, '{{protocol}}')],
      unit: 'bps',
      stack: true,
    }),
    heatmap({
      title: 'Packet size distribution',
      description: 'Packets per second by size bucket (64, 128, 256, 512, 1024, 1518, 9000 bytes and larger). A sudden band of small packets often means a SYN or UDP flood; jumbo frames show above 1518.',
      expr: `sum by (le) (rate(netscore_packet_size_bytes_bucket{${IF}}[$__rate_interval]))`,
      unit: 'bytes',
    }),
    timeseries({
      title: 'Packets/s by interface',
      description: 'Packets per second per sensor and interface. A line that drops to zero while the others continue points at the mirror port or TAP of that interface.',
      targets: [target(`sum by (instance, interface) (rate(netscore_packets_total{${IF}}[$__rate_interval]))`, '{{instance}} {{interface}}')],
      unit: 'pps',
    }),
  );
  panels.push(row('Flows'));
  panels.push(
    usedAndLimit({
      title: 'Active flows',
      description: 'Flows currently held in the flow table, and the table capacity (dashed). At capacity the least recently seen flow is evicted (reason table_full).',
      used: [`sum by (instance) (netscore_flows_active{${I}})`, 'active'],
      limit: [`sum by (instance) (netscore_flows_max{${I}})`, 'capacity'],
    }),
    timeseries({
      title: 'New flows/s by protocol',
      description: 'Flows started per second, by protocol. Scans and floods show as a jump in new flows without a matching jump in bytes.',
      targets: [target(`sum by (protocol) (rate(netscore_flows_total{${I}}[$__rate_interval]))`, '{{protocol}}')],
      w: 8,
      stack: true,
    }),
    timeseries({
      title: 'Flow evictions/s by reason',
      description: 'Flows ended per second by reason: idle_timeout, active_timeout (long flows are cut and restarted), tcp_close, and table_full (the flow table is too small - see the NetscoreFlowTableSaturated alert).',
      targets: [target(`sum by (reason) (rate(netscore_flow_evictions_total{${I}}[$__rate_interval]))`, '{{reason}}')],
      w: 8,
      stack: true,
      overrides: [colorOverride('table_full', 'red')],
    }),
  );
  panels.push(row('Capture health'));
  panels.push(
    stateTimeline({
      title: 'Capture up',
      description: 'Whether the packet capture on each interface is running (1 = UP). DOWN while the exporter is up means netscore is blind on that interface (NetscoreCaptureDown).',
      targets: [target(`netscore_capture_up{${IF}}`, '{{instance}} {{interface}}')],
      mappings: upDownMappings,
      w: 8,
      h: 8,
    }),
    timeseries({
      title: 'Capture drops/s',
      description: 'Packets per second lost before netscore saw them: where="kernel" (socket buffer full, netscore too slow) or where="interface" (dropped by the NIC/driver).',
      targets: [target(`sum by (instance, interface, where) (rate(netscore_capture_packets_dropped_total{${IF}}[$__rate_interval]))`, '{{instance}} {{interface}} {{where}}')],
      unit: 'pps',
      w: 8,
    }),
    timeseries({
      title: 'Capture drop ratio',
      description: 'Dropped / (received + dropped) per interface. Above 1% (red line) features are undercounted and NetscoreCaptureDropsHigh fires after 10 minutes.',
      targets: [
        target(
          `sum by (instance, interface) (rate(netscore_capture_packets_dropped_total{${IF}}[$__rate_interval]))\n/\n(sum by (instance, interface) (rate(netscore_capture_packets_received_total{${IF}}[$__rate_interval])) + sum by (instance, interface) (rate(netscore_capture_packets_dropped_total{${IF}}[$__rate_interval])))`,
          '{{instance}} {{interface}}',
        ),
      ],
      unit: 'percentunit',
      w: 8,
      thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 0.01 }] },
    }),
    stat({
      title: 'Last packet',
      description: 'Capture time of the newest packet netscore processed. For a replay this is the time inside the pcap file, not the wall clock.',
      targets: [target(`max by (instance) (netscore_last_packet_timestamp_seconds{${I}}) * 1000`, '{{instance}}')],
      unit: 'dateTimeFromNow',
      w: 8,
    }),
    stat({
      title: 'Packets received by capture',
      description: 'Packets handed to netscore by libpcap (or read from the replay file) in the selected time range.',
      targets: [target(`sum by (instance, interface) (increase(netscore_capture_packets_received_total{${IF}}[$__range]))`, '{{instance}} {{interface}}')],
      unit: 'short',
      w: 8,
      decimals: 0,
    }),
    stat({
      title: 'Build',
      description: 'netscore version, git revision and Node.js version of each exporter (netscore_build_info).',
      targets: [target(`netscore_build_info{${I}}`, '{{instance}} {{version}} ({{revision}}, node {{nodejs}})')],
      textMode: 'name',
      colorMode: 'none',
      w: 8,
    }),
  );
  panels.push(row('Capture workers'));
  panels.push(
    timeseries({
      title: 'Worker busy ratio',
      description: 'Share of one core each capture worker (--capture.workers) spends on packets. One worker near 1 while others idle is flow-hash skew (NetscoreCaptureWorkerSaturated); all near 1 means more workers or sensors (docs/scaling.md). No data with one worker: the packet path then runs on the main thread.',
      targets: [target(`sum by (instance, worker) (rate(netscore_capture_worker_busy_seconds_total{${I}}[$__rate_interval]))`, '{{instance}} worker {{worker}}')],
      unit: 'percentunit',
      w: 8,
      thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 0.9 }] },
    }),
    timeseries({
      title: 'Packets/s per worker',
      description: 'Packets each capture worker decodes and accounts per second; both directions of a flow go to the same worker.',
      targets: [target(`sum by (instance, worker) (rate(netscore_capture_worker_packets_total{${I}}[$__rate_interval]))`, '{{instance}} worker {{worker}}')],
      unit: 'pps',
      stack: true,
      w: 8,
    }),
    timeseries({
      title: 'Worker skew and drops',
      description: 'Skew: packets of the busiest worker over the mean since start (1 = even, the worker count = all on one). Drops: live capture, packets the kernel dropped on a worker\'s handles (its share of the fanout group fell behind).',
      targets: [
        target(`max by (instance) (netscore_capture_worker_skew_ratio{${I}})`, '{{instance}} skew', 'A'),
        target(`sum by (instance) (rate(netscore_capture_worker_dropped_packets_total{${I}}[$__rate_interval]))`, '{{instance}} drops/s', 'B'),
      ],
      w: 8,
    }),
  );
  panels.push(row('Decoding'));
  panels.push(
    timeseries({
      title: 'Decode errors/s by layer and reason',
      description: 'Packets per second that netscore could not fully decode, by protocol layer and reason (e.g. truncated, bad header length, too deep). Such packets are not scored. A jump usually means a new encapsulation or a short snaplen.',
      targets: [target(`sum by (layer, reason) (rate(netscore_decode_errors_total{${I}}[$__rate_interval]))`, '{{layer}} {{reason}}')],
      unit: 'pps',
      w: 9,
    }),
    stat({
      title: 'Errors in the time range',
      description: 'Packets netscore could not decode, pipeline stage failures and anomaly-log lines lost, counted over the selected time range. Every counter exists at zero from start, so a healthy sensor shows 0 rather than "No data".',
      targets: [
        target(`sum(increase(netscore_decode_errors_total{${I}}[$__range]))`, 'decode errors', 'A', { instant: true, range: false }),
        target(`sum(increase(netscore_stage_failures_total{${I}}[$__range]))`, 'stage failures', 'B', { instant: true, range: false }),
        target(`sum(increase(netscore_anomaly_log_lines_lost_total{${I}}[$__range]))`, 'anomaly log lines lost', 'C', { instant: true, range: false }),
      ],
      thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 1 }] },
      decimals: 0,
      w: 6,
      h: 8,
    }),
    timeseries({
      title: 'Tunnelled packets/s by encapsulation',
      description: 'Packets per second that netscore found inside a tunnel or encapsulation (VLAN, MPLS, PPPoE, GRE, VXLAN, ...) and decoded through.',
      targets: [target(`sum by (encapsulation) (rate(netscore_tunnel_packets_total{${I}}[$__rate_interval]))`, '{{encapsulation}}')],
      unit: 'pps',
      stack: true,
      w: 9,
    }),
  );
  panels.push(row('netscore itself'));
  panels.push(
    timeseries({
      title: 'CPU',
      description: 'CPU time netscore used per second of wall time (1 = one core busy), user and system together.',
      targets: [target(`sum by (instance) (rate(process_cpu_seconds_total{${I}}[$__rate_interval]))`, '{{instance}}')],
      unit: 'percentunit',
      w: 8,
    }),
    timeseries({
      title: 'Memory',
      description: 'Resident memory of the netscore process and the part of it the JavaScript heap uses. Bounded by the flow, host and reservoir limits.',
      targets: [
        target(`max by (instance) (process_resident_memory_bytes{${I}})`, '{{instance}} resident', 'A'),
        target(`max by (instance) (nodejs_heap_size_used_bytes{${I}})`, '{{instance}} heap used', 'B'),
      ],
      unit: 'bytes',
      w: 8,
    }),
    timeseries({
      title: 'Event-loop lag (p99)',
      description: 'How late netscore\'s event loop ran its timers (99th percentile). Long lags delay packets, window closes and scrapes.',
      targets: [target(`max by (instance) (nodejs_eventloop_lag_p99_seconds{${I}})`, '{{instance}}')],
      unit: 's',
      w: 8,
    }),
    timeseries({
      title: 'Scrape duration',
      description: 'How long Prometheus took to scrape netscore. Close to the scrape timeout (10 s) means scrapes are about to fail.',
      targets: [target(`max by (instance) (scrape_duration_seconds{${I}})`, '{{instance}}')],
      unit: 's',
      w: 12,
    }),
    timeseries({
      title: 'Window-close time (p50, p99)',
      description: 'Time to close a 10 s window: compute the features of every host, score them, write the anomalies and, when one is due, fit a model in line. Packets wait meanwhile.',
      targets: [
        target(`histogram_quantile(0.5, sum by (instance, le) (rate(netscore_window_close_duration_seconds_bucket{${I}}[$__rate_interval])))`, '{{instance}} p50', 'A'),
        target(`histogram_quantile(0.99, sum by (instance, le) (rate(netscore_window_close_duration_seconds_bucket{${I}}[$__rate_interval])))`, '{{instance}} p99', 'B'),
      ],
      unit: 's',
      w: 12,
    }),
  );
  return dashboard({
    uid: 'netscore-traffic',
    title: 'netscore / Traffic',
    description: 'What netscore sees: packets, bits, packet sizes, flows, capture health and decoding, per sensor and interface.',
    panels,
  });
}

// ---------------------------------------------------------------- anomalies

function anomalies() {
  resetLayout();
  const H = `${I},host=~"$host"`;
  const panels = [];
  panels.push(row('Model'));
  panels.push(
    stat({
      title: 'Model state',
      description: 'warming = still collecting normal traffic to train on, nothing is scored yet; scoring = every 10 s host window is scored. Stuck in warming for over an hour fires NetscoreModelStuckWarming.',
      targets: [target(`max by (instance, state) (netscore_model_state{${I}}) == 1`, '{{instance}}: {{state}}')],
      textMode: 'name',
      colorMode: 'none',
      w: 6,
    }),
    stat({
      title: 'Model generation',
      description: 'How many times the model has been (re)trained since netscore started. It should step up at every retrain.',
      targets: [target(`max by (instance) (netscore_model_generation{${I}})`, '{{instance}}')],
      decimals: 0,
      w: 4,
    }),
    stat({
      title: 'Last trained',
      description: 'Packet time of the traffic the current model was fitted on: its last refit for an online model, the end of its training capture for a fixed --model.file model (which never changes, by design). An online model more than 3 retrain intervals behind the newest packet fires NetscoreModelStale. Shows 1970 while the first model is still warming up.',
      targets: [target(`max by (instance) (netscore_model_last_trained_timestamp_seconds{${I}}) * 1000`, '{{instance}}')],
      unit: 'dateTimeFromNow',
      w: 5,
    }),
    stat({
      title: 'Training samples',
      description: 'Host windows in the current training set (or collected so far while warming up).',
      targets: [target(`max by (instance) (netscore_model_training_samples{${I}})`, '{{instance}}')],
      decimals: 0,
      w: 4,
    }),
    stat({
      title: 'Alert threshold',
      description: 'Anomaly score above which a host window is flagged. Scores run from 0 to 1; higher is more anomalous.',
      targets: [target(`max by (instance) (netscore_model_threshold{${I}})`, '{{instance}}')],
      decimals: 3,
      w: 5,
    }),
    stat({
      title: 'Warm-up learnt',
      description: 'Traffic time an online model has learnt from toward its first fit, of --model.warmup (netscore_model_warmup_learnt_seconds of netscore_model_warmup_seconds); it scores once this reaches the warm-up. 0 for a fixed --model.file model, which needs no warm-up.',
      targets: [
        target(`max by (instance) (netscore_model_warmup_learnt_seconds{${I}})`, '{{instance}} learnt', 'A'),
        target(`max by (instance) (netscore_model_warmup_seconds{${I}})`, '{{instance}} needed', 'B'),
      ],
      unit: 's',
      w: 8,
    }),
  );
  panels.push(row('Anomalies'));
  panels.push(
    {
      type: 'alertlist',
      id: nextId++,
      title: 'netscore alerts (Prometheus rules)',
      description: 'Firing and pending netscore alerts from the Prometheus alerting rules. Silences and inhibitions are managed in Alertmanager (Grafana: Alerting > Alert groups, choose "Alertmanager (netscore)", or http://localhost:9093).',
      gridPos: place(8, 10),
      fieldConfig: { defaults: {}, overrides: [] },
      options: {
        viewMode: 'list',
        groupMode: 'default',
        groupBy: [],
        maxItems: 20,
        sortOrder: 3,
        dashboardAlerts: false,
        alertName: 'Netscore',
        alertInstanceLabelFilter: '',
        datasource: 'Prometheus (netscore)',
        folder: null,
        showInstances: true,
        stateFilter: { firing: true, pending: true, noData: false, normal: false, error: true, inactive: false },
      },
    },
    table({
      title: 'Top anomalous hosts (last 5 minutes)',
      description: 'Up to 10 hosts per sensor flagged in the last 5 minutes, with their latest score, category, severity and the features that made them stand out (value vs the training median). The NetscoreIncident* alerts are about incidents (related flagged windows merged; /api/incidents).',
      targets: [instantTable(`netscore_top_host_anomaly_score{${H}}`)],
      transformations: [
        {
          id: 'organize',
          options: {
            excludeByName: { Time: true, __name__: true, job: true },
            indexByName: { host: 0, Value: 1, severity: 2, category: 3, top_features: 4, instance: 5 },
            renameByName: { Value: 'score', top_features: 'why (top features)' },
          },
        },
      ],
      overrides: [
        {
          matcher: { id: 'byName', options: 'score' },
          properties: [
            { id: 'decimals', value: 3 },
            { id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } },
            { id: 'thresholds', value: { mode: 'absolute', steps: [{ color: 'orange', value: null }, { color: 'red', value: 0.7 }] } },
            { id: 'custom.width', value: 90 },
          ],
        },
        { matcher: { id: 'byName', options: 'why (top features)' }, properties: [{ id: 'custom.minWidth', value: 400 }] },
      ],
      sortBy: [{ displayName: 'score', desc: true }],
      w: 16,
      h: 10,
    }),
    timeseries({
      title: 'Open incidents by category and severity',
      description: 'Incidents open on each sensor: related flagged host-windows merged (one host across short gaps, or several hosts against one victim), by category and severity. Each open critical incident fires NetscoreIncidentCritical; /api/incidents and the landing page list them with their hosts, victims and top features.',
      targets: [target(`sum by (category, severity) (netscore_incidents_open{${I}}) > 0`, '{{severity}} {{category}}')],
      unit: 'short',
      stack: true,
    }),
    timeseries({
      title: 'Anomalies/min by severity',
      description: 'Host windows flagged per minute, by severity. A burst far above the usual level fires NetscoreAnomalyRateHigh.',
      targets: [target(`sum by (severity) (rate(netscore_anomalies_total{${I}}[$__rate_interval])) * 60`, '{{severity}}')],
      unit: 'short',
      bars: true,
      stack: true,
      overrides: [colorOverride('critical', 'red'), colorOverride('warning', 'orange')],
    }),
    timeseries({
      title: 'Anomalies/min by category',
      description: 'Host windows flagged per minute, by category inferred from the dominating features: scan, flood, dns-tunnel, tunnel (ICMP), brute-force, beacon, exfiltration, other.',
      targets: [target(`sum by (category) (rate(netscore_anomalies_total{${I}}[$__rate_interval])) * 60`, '{{category}}')],
      unit: 'short',
      bars: true,
      stack: true,
    }),
    heatmap({
      title: 'Anomaly score distribution',
      description: 'Scored host windows per second by anomaly score bucket (0.3 … 1). Normal traffic sits low; flagged windows are those above the alert threshold.',
      expr: `sum by (le) (rate(netscore_anomaly_score_bucket{${I}}[$__rate_interval]))`,
      unit: 'none',
    }),
    timeseries({
      title: 'Flagged host scores',
      description: 'Score of each host while it is on the top-anomalous list, so you can see when each host was flagged and for how long.',
      targets: [target(`max by (instance, host, category) (netscore_top_host_anomaly_score{${H}})`, '{{host}} {{category}} ({{instance}})')],
      unit: 'none',
      min: 0,
    }),
    table({
      title: 'Firing netscore alerts',
      description: 'netscore alerts Prometheus currently sends to Alertmanager (the ALERTS series), one row per alert. Empty when all is well.',
      targets: [instantTable(`ALERTS{alertstate="firing",alertname=~"Netscore.*",${I}}`)],
      transformations: [{ id: 'organize', options: { excludeByName: { Time: true, __name__: true, Value: true, alertstate: true, job: true } } }],
      w: 24,
      h: 6,
    }),
  );
  panels.push(row('Host windows'));
  panels.push(
    timeseries({
      title: 'Feature aggregates over all hosts',
      description: 'Per-window feature statistic ($stat across hosts: median p50, p99 or max) of the selected features (by default a handful: flows started, destination ports, failed share, bytes sent, DNS queries; pick others in the Feature variable), e.g. how many destination ports the busiest host touched. Log scale: features differ by orders of magnitude.',
      targets: [target(`netscore_window_feature{${I},feature=~"$feature",stat=~"$stat"}`, '{{feature}} {{stat}} ({{instance}})')],
      log: true,
      w: 24,
      h: 9,
    }),
    timeseries({
      title: 'Host windows scored/s',
      description: 'Host windows (10 s per source host) scored per second. Zero while the model is warming up.',
      targets: [target(`sum by (instance) (rate(netscore_windows_scored_total{${I}}[$__rate_interval]))`, '{{instance}}')],
      w: 8,
    }),
    usedAndLimit({
      title: 'Hosts tracked',
      description: 'Source hosts with a feature window, and the host limit (dashed). At the limit new hosts are left untracked and are not scored (NetscoreHostTableSaturated).',
      used: [`sum by (instance) (netscore_hosts_tracked{${I}})`, 'tracked'],
      limit: [`sum by (instance) (netscore_hosts_max{${I}})`, 'limit'],
    }),
    timeseries({
      title: 'Untracked hosts/s',
      description: 'New source hosts per second that could not be tracked because the host table was full. They are invisible to the model.',
      targets: [target(`sum by (instance) (rate(netscore_hosts_untracked_total{${I}}[$__rate_interval]))`, '{{instance}}')],
      w: 8,
    }),
  );
  return dashboard({
    uid: 'netscore-anomalies',
    title: 'netscore / Anomalies',
    description: 'Which hosts netscore finds anomalous, why, and the state of the Isolation Forest model.',
    panels,
    // Scores, hosts and features are per sensor, not per interface.
    withInterface: false,
    extraVars: [
      queryVar('host', 'Host', 'label_values(netscore_top_host_anomaly_score{job=~"$job",instance=~"$instance"}, host)', { allValue: '.*', description: 'Flagged source host(s); alert links set it.' }),
      queryVar('feature', 'Feature', 'label_values(netscore_window_feature{job=~"$job",instance=~"$instance"}, feature)', {
        allValue: '.*',
        description: 'Window features to plot (docs/detection.md defines each, with its unit).',
        current: { selected: true, text: DEFAULT_FEATURES, value: DEFAULT_FEATURES },
      }),
      customVar('stat', 'Statistic', ['p50', 'p99', 'max'], 'p99', 'Aggregate of a feature across the hosts of each window.'),
    ],
  });
}

// ---------------------------------------------------------------- fleet

function fleet() {
  resetLayout();
  const panels = [];
  panels.push(row('Sensors'));
  const merged = [
    ['A', `max by (instance) (up{${I}})`, 'up'],
    ['B', `max by (instance, version) (netscore_build_info{${I}})`, 'build'],
    ['C', `sum by (instance) (netscore_interface:packets:rate5m{${IF}})`, 'packets/s'],
    ['D', `sum by (instance) (netscore_interface:bits:rate5m{${IF}})`, 'bits/s'],
    ['E', `max by (instance) (netscore_interface:capture_drop_ratio:rate5m{${IF}})`, 'worst drop ratio'],
    ['F', `max by (instance) (netscore_flows_active{${I}}) / max by (instance) (netscore_flows_max{${I}})`, 'flow table'],
    ['G', `sum by (instance) (rate(netscore_anomalies_total{${I}}[$__rate_interval])) * 60`, 'anomalies/min'],
    ['H', `max by (instance) (netscore_model_state{${I},state="scoring"})`, 'scoring'],
    ['I', `max by (instance) (netscore_model_generation{${I}})`, 'model generation'],
  ];
  const rename = {};
  for (const [ref, , name] of merged) rename[`Value #${ref}`] = name;
  panels.push(
    table({
      title: 'All sensors',
      description: 'One row per netscore exporter: scrape status, version, current packet and bit rates (5m), worst capture drop ratio, flow table fill, anomalies per minute, whether the model is scoring, and its generation.',
      targets: merged.map(([ref, expr]) => instantTable(expr, ref)),
      transformations: [
        { id: 'merge', options: {} },
        { id: 'organize', options: { excludeByName: { Time: true, 'Value #B': true }, indexByName: { instance: 0, version: 1 }, renameByName: rename } },
      ],
      overrides: [
        { matcher: { id: 'byName', options: 'up' }, properties: [{ id: 'mappings', value: upDownMappings }, { id: 'custom.cellOptions', value: { type: 'color-text' } }] },
        { matcher: { id: 'byName', options: 'packets/s' }, properties: [{ id: 'unit', value: 'pps' }] },
        { matcher: { id: 'byName', options: 'bits/s' }, properties: [{ id: 'unit', value: 'bps' }] },
        {
          matcher: { id: 'byName', options: 'worst drop ratio' },
          properties: [
            { id: 'unit', value: 'percentunit' },
            { id: 'custom.cellOptions', value: { type: 'color-text' } },
            { id: 'thresholds', value: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 0.01 }] } },
          ],
        },
        {
          matcher: { id: 'byName', options: 'flow table' },
          properties: [
            { id: 'unit', value: 'percentunit' },
            { id: 'custom.cellOptions', value: { type: 'color-text' } },
            { id: 'thresholds', value: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 0.9 }] } },
          ],
        },
        { matcher: { id: 'byName', options: 'anomalies/min' }, properties: [{ id: 'decimals', value: 1 }] },
        {
          matcher: { id: 'byName', options: 'scoring' },
          properties: [{ id: 'mappings', value: [{ type: 'value', options: { 0: { text: 'warming', color: 'orange', index: 0 }, 1: { text: 'scoring', color: 'green', index: 1 } } }] }, { id: 'custom.cellOptions', value: { type: 'color-text' } }],
        },
        {
          matcher: { id: 'byName', options: 'instance' },
          properties: [{ id: 'links', value: [{ title: 'Traffic of ${__value.text}', url: '/d/netscore-traffic/netscore-traffic?var-instance=${__value.text}&${__url_time_range}' }] }],
        },
      ],
      h: 9,
    }),
  );
  panels.push(row('Over time'));
  panels.push(
    stateTimeline({
      title: 'Exporter up',
      description: 'Whether Prometheus could scrape each netscore exporter. DOWN for 2 minutes fires NetscoreExporterDown, which silences the other alerts of that instance.',
      targets: [target(`max by (instance) (up{${I}})`, '{{instance}}')],
      mappings: upDownMappings,
    }),
    stateTimeline({
      title: 'Model state',
      description: 'Per exporter: warming (collecting training data, not scoring) or scoring.',
      targets: [target(`max by (instance) (netscore_model_state{${I},state="scoring"})`, '{{instance}}')],
      mappings: [{ type: 'value', options: { 0: { text: 'warming', color: 'orange', index: 0 }, 1: { text: 'scoring', color: 'green', index: 1 } } }],
      thresholds: { mode: 'absolute', steps: [{ color: 'orange', value: null }, { color: 'green', value: 1 }] },
    }),
    timeseries({
      title: 'Packets/s per sensor',
      description: 'Packets per second per exporter over the selected interfaces (recording rule netscore_interface:packets:rate5m, 5 minute average).',
      targets: [target(`sum by (instance) (netscore_interface:packets:rate5m{${IF}})`, '{{instance}}')],
      unit: 'pps',
    }),
    timeseries({
      title: 'Bits/s per sensor',
      description: 'Bits per second per exporter over the selected interfaces (recording rule netscore_interface:bits:rate5m, 5 minute average).',
      targets: [target(`sum by (instance) (netscore_interface:bits:rate5m{${IF}})`, '{{instance}}')],
      unit: 'bps',
    }),
    timeseries({
      title: 'Anomalies/min per sensor',
      description: 'Host windows flagged per minute by each exporter. Compare sensors: one sensor far above the others points at its network segment.',
      targets: [target(`sum by (instance) (rate(netscore_anomalies_total{${I}}[$__rate_interval])) * 60`, '{{instance}}')],
      bars: true,
    }),
    timeseries({
      title: 'Capture drop ratio per interface',
      description: 'Share of packets dropped before netscore saw them (recording rule, 5 minute average). Red line: the 1% alert threshold.',
      targets: [target(`netscore_interface:capture_drop_ratio:rate5m{${IF}}`, '{{instance}} {{interface}}')],
      unit: 'percentunit',
      thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 0.01 }] },
    }),
    timeseries({
      title: 'Flow and host table fill',
      description: 'Flow table and host table use as a share of their capacity per exporter. Above 90% for 10 minutes fires the Saturated alerts.',
      targets: [
        target(`netscore_instance:flow_table_fill:ratio{${I}}`, '{{instance}} flows'),
        target(`netscore_instance:host_table_fill:ratio{${I}}`, '{{instance}} hosts', 'B'),
      ],
      unit: 'percentunit',
      thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 0.9 }] },
    }),
    timeseries({
      title: 'Firing alerts per sensor',
      description: 'Number of firing netscore alerts per exporter (0 when none), from the ALERTS series of Prometheus.',
      targets: [
        target(
          `sum by (instance) (ALERTS{alertstate="firing",alertname=~"Netscore.*",${I}})\nor\nsum by (instance) (0 * up{${I}})`,
          '{{instance}}',
        ),
      ],
      bars: false,
    }),
  );
  return dashboard({
    uid: 'netscore-fleet',
    title: 'netscore / Fleet',
    description: 'Every netscore exporter on one page: health, traffic, anomalies and model state side by side.',
    panels,
    time: 'now-6h',
  });
}

for (const [name, d] of [
  ['traffic.json', traffic()],
  ['anomalies.json', anomalies()],
  ['fleet.json', fleet()],
]) {
  writeFileSync(join(OUT, name), `${JSON.stringify(d, null, 2)}\n`);
}
