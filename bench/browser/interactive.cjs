// Time from navigation start to an interactive create form, in Debian's Chromium with 4×
// CPU throttling, over fresh navigations. Run by `cargo xtask bench` (xtask/src/bench/browser.rs):
//
//   node interactive.cjs <url> <cookie header value> <runs>
//   env: CHROME_PATH (the browser), NODE_PATH (where chrome-remote-interface is installed)
//
// "Interactive" is the first moment at which the topic input (#subject) is in the document,
// not disabled, inside the create form (#create-meeting). It is read by a MutationObserver
// installed before any page script runs; its callback runs as a microtask right after the
// task that mounted the form, and Leptos attaches an element's event handlers while building
// it, before inserting it, so at that moment the handlers are attached. Each run then proves
// it: it types into the topic and waits for the app to save the draft to localStorage
// (an effect of the input handler); a run where that does not happen fails the measurement.
//
// Every run uses a new browser context (empty cache, cookies and storage), a 390×844 phone
// viewport, and Emulation.setCPUThrottlingRate 4 from before the navigation. The session
// cookie goes in as an extra request header, so the app starts signed in.
// Layout shifts (PerformanceObserver `layout-shift`, as CLS counts them) are recorded too,
// with the elements that moved, since Lighthouse 12.2.3 cannot attribute them with this
// Chromium (its layout-shifts audit errors).
// Prints per run `run <milliseconds>`, then one line per layout shift of that run,
// `shift <run> <score> <time ms> <elements>`; `ok` at the end.

'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const CDP = require('chrome-remote-interface');

const [url, cookie, runsText] = process.argv.slice(2);
const runs = Number(runsText || '10');
const DRAFT_KEY = 'meetings.draft.v1';
const TYPED = 'Bench typed';

const MARKER = `(() => {
  window.__benchShifts = [];
  const describe = (n) => !n ? '?' : n.nodeName.toLowerCase() + (n.id ? '#' + n.id : '') +
    (typeof n.className === 'string' && n.className ? '.' + n.className.trim().split(/\\s+/).join('.') : '');
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.hadRecentInput) window.__benchShifts.push({ value: e.value, at: e.startTime, sources: (e.sources || []).map((s) => describe(s.node)) });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  const ready = () => {
    const input = document.getElementById('subject');
    return input && !input.disabled && input.closest('form#create-meeting');
  };
  const observer = new MutationObserver(() => {
    if (window.__benchInteractive === undefined && ready()) {
      window.__benchInteractive = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
})();`;

function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-chromium-'));
  const browser = spawn(process.env.CHROME_PATH || 'chromium', [
    '--headless=new', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`,
    '--remote-debugging-port=0', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-extensions', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start: ${seen}`)), 30000);
    browser.stderr.on('data', (chunk) => {
      seen += chunk;
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve({ browser, port: Number(m[1]), profile });
      }
    });
    browser.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${seen}`)));
  });
}

async function poll(client, expression, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { result } = await client.Runtime.evaluate({ expression, returnByValue: true });
    if (result.value !== undefined && result.value !== null && result.value !== false) return result.value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function once(port) {
  // The browser's own endpoint: only it may create browser contexts.
  const { webSocketDebuggerUrl } = await CDP.Version({ port });
  const root = await CDP({ target: webSocketDebuggerUrl });
  const { browserContextId } = await root.Target.createBrowserContext();
  const { targetId } = await root.Target.createTarget({ url: 'about:blank', browserContextId });
  const client = await CDP({ port, target: targetId });
  try {
    await Promise.all([client.Page.enable(), client.Network.enable(), client.Runtime.enable()]);
    await client.Network.setExtraHTTPHeaders({ headers: { Cookie: cookie } });
    await client.Emulation.setDeviceMetricsOverride({ width: 390, height: 844, deviceScaleFactor: 3, mobile: true });
    await client.Emulation.setCPUThrottlingRate({ rate: 4 });
    await client.Page.addScriptToEvaluateOnNewDocument({ source: MARKER });
    await client.Page.navigate({ url });
    const ms = await poll(client, 'window.__benchInteractive', 60000);
    // Shifts are read a second later (the page may still settle), and before typing, which
    // would count as input.
    await new Promise((r) => setTimeout(r, 1000));
    const { result: shifts } = await client.Runtime.evaluate({ expression: 'window.__benchShifts', returnByValue: true });
    // The proof that the handlers are live: typing reaches the app, which saves the draft.
    await client.Runtime.evaluate({ expression: "document.getElementById('subject').focus()" });
    await client.Input.insertText({ text: TYPED });
    await poll(client, `(localStorage.getItem('${DRAFT_KEY}') || '').includes('${TYPED}')`, 20000);
    return { ms, shifts: shifts.value || [] };
  } finally {
    await client.close();
    await root.Target.disposeBrowserContext({ browserContextId });
    await root.close();
  }
}

(async () => {
  const { browser, port, profile } = await launch();
  try {
    for (let i = 0; i < runs; i++) {
      const { ms, shifts } = await once(port);
      console.log(`run ${ms.toFixed(1)}`);
      for (const s of shifts) console.log(`shift ${i + 1} ${s.value.toFixed(4)} ${s.at.toFixed(0)} ${s.sources.join(' ') || '?'}`);
    }
    console.log('ok');
  } finally {
    const exited = new Promise((r) => browser.once('exit', r));
    browser.kill();
    await exited;
    try {
      fs.rmSync(profile, { recursive: true, force: true });
    } catch {
      // A leftover temporary profile is not worth failing the measurement for.
    }
  }
})().catch((e) => {
  console.error(String(e && e.stack || e));
  process.exit(1);
});
