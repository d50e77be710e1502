// Reads one Lighthouse result (the JSON that `lighthouse --output=json` writes) and prints the
// figures BENCHMARKS.md reports, one per line, so xtask needs no JSON parser:
//
//   score <category id> <0..100>
//   metric <audit id> <numeric value in the audit's unit (ms, or unitless for CLS)>
//   metric observed-fcp|observed-lcp <ms>: the paints in the trace Lighthouse recorded,
//          unthrottled, from which its simulation starts
//   fail <category id> <audit id> <score 0..100> <title> — <display value>
//   unscored <category id> <audit id> <title> — <display value>
//   opportunity <audit id> <title> — <display value>
//   diagnostic <audit id> <title> — <display value>
//   lcp-element <HTML snippet>
//   errored <audit id> <title> — <error message>
//   warning <text>
//
// `fail` lists every audit that weighs in its category's score and did not reach a full
// score: the reasons a goal is missed. `unscored` are failing audits of weight 0 (shown, but
// they do not lower the score). Opportunities and diagnostics explain a performance score.
//
//   node lighthouse_summary.cjs <report.json>

'use strict';

const fs = require('node:fs');

const lhr = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const oneLine = (s) => String(s ?? '').replace(/\s+/g, ' ').trim();

if (lhr.runtimeError) console.log(`warning ${oneLine(lhr.runtimeError.code)}: ${oneLine(lhr.runtimeError.message)}`);
for (const w of lhr.runWarnings || []) console.log(`warning ${oneLine(w)}`);

for (const id of ['performance', 'accessibility', 'best-practices']) {
  const category = lhr.categories[id];
  if (!category) continue;
  const score = category.score === null ? 'null' : Math.round(category.score * 100);
  console.log(`score ${id} ${score}`);
  for (const ref of category.auditRefs) {
    const audit = lhr.audits[ref.id];
    if (!audit || audit.score === null || audit.score >= 1) continue;
    if (audit.scoreDisplayMode === 'notApplicable' || audit.scoreDisplayMode === 'manual' || audit.scoreDisplayMode === 'informative') continue;
    const shown = audit.displayValue ? ` — ${oneLine(audit.displayValue)}` : '';
    if (ref.weight === 0) {
      if (id !== 'performance') console.log(`unscored ${id} ${ref.id} ${oneLine(audit.title)}${shown}`);
      continue;
    }
    console.log(`fail ${id} ${ref.id} ${Math.round(audit.score * 100)} ${oneLine(audit.title)}${shown}`);
  }
}

// The metrics and the opportunities with an estimated saving explain a performance score.
for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index', 'interactive']) {
  const audit = lhr.audits[id];
  if (audit && typeof audit.numericValue === 'number') console.log(`metric ${id} ${audit.numericValue}`);
}
// What Chromium itself reported in the recorded (unthrottled) load: whether the largest paint
// was the first one, which the simulated figures above do not show.
const observed = lhr.audits.metrics?.details?.items?.[0] ?? {};
for (const [name, key] of [['observed-fcp', 'observedFirstContentfulPaint'], ['observed-lcp', 'observedLargestContentfulPaint']]) {
  if (typeof observed[key] === 'number') console.log(`metric ${name} ${observed[key]}`);
}
const lcpItems = lhr.audits['largest-contentful-paint-element']?.details?.items ?? [];
const lcpNode = lcpItems[0]?.items?.[0]?.node ?? lcpItems[0]?.node;
if (lcpNode) console.log(`lcp-element ${oneLine(lcpNode.snippet)}`);
for (const audit of Object.values(lhr.audits)) {
  if (audit.details?.type === 'opportunity' && audit.score !== null && audit.score < 1) {
    console.log(`opportunity ${audit.id} ${oneLine(audit.title)} — ${oneLine(audit.displayValue)}`);
  }
}
for (const audit of Object.values(lhr.audits)) {
  if (audit.scoreDisplayMode === 'error') console.log(`errored ${audit.id} ${oneLine(audit.title)} — ${oneLine(audit.errorMessage).slice(0, 160)}`);
}
for (const id of ['bootup-time', 'mainthread-work-breakdown', 'total-byte-weight', 'long-tasks']) {
  const audit = lhr.audits[id];
  if (audit?.displayValue) console.log(`diagnostic ${id} ${oneLine(audit.title)} — ${oneLine(audit.displayValue)}`);
}
