// site.test.mjs: the guideline site (clausegen publish) in headless Chromium.
//
//   node site.test.mjs path/to/clausegen      (tests/browser/run.sh sets it up)
//
// Publishes every source into a temporary directory, serves it on loopback
// and checks, failing on the first kind of problem it finds in each check:
//   - every page and every link (a, link, script) resolves: no dead link,
//     no dead #fragment, every URL in the pages relative;
//   - no request leaves the machine (any other origin is blocked and fails);
//   - no console error or uncaught exception on any page;
//   - the matrix filter shows, for every class x category of every source,
//     the clauses `clausegen select ... --format json` gives, both from the
//     form and from a matrix.html#class=…&category=… link;
//   - the sel-*.html pages list the same clauses;
//   - with JavaScript off the matrix is complete and the filter form hidden;
//   - the pages work from file:// too;
//   - the matrix header and clause column stay in view when scrolled.
// Screenshots go to $SCREENSHOTS. Prints "N passed, N failed".
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const bin = process.argv[2];
if (!bin) {
	console.error('usage: node site.test.mjs path/to/clausegen');
	process.exit(2);
}
const shots = process.env.SCREENSHOTS || path.join(os.tmpdir(), 'clausegen-screenshots');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clausegen-site-'));
const site = path.join(tmp, 'site');
let passed = 0, failed = 0;

function check(name, problems) {
	if (problems.length === 0) {
		passed++;
		console.log(`ok   ${name}`);
	} else {
		failed++;
		console.log(`FAIL ${name}`);
		for (const p of problems.slice(0, 20)) console.log(`     ${p}`);
		if (problems.length > 20) console.log(`     … and ${problems.length - 20} more`);
	}
}

function cg(...args) {
	return execFileSync(bin, args, {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, SOURCE_DATE_EPOCH: '1767225600' },
	});
}

const types = {
	'.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8', '.json': 'application/json',
	'.csv': 'text/csv; charset=utf-8',
};

// The page of a class x category (site.c: sel-CLASS.CATEGORY.html, either
// part left out when the source has no such dimension, sel-all.html when
// it has neither).
function selPage(k, c) {
	return `sel-${[k && k.id, c && c.id].filter(Boolean).join('.') || 'all'}.html`;
}

// A tiny static server: files under `site` only.
function serve() {
	const server = http.createServer((req, res) => {
		const u = new URL(req.url, 'http://127.0.0.1');
		const rel = decodeURIComponent(u.pathname).replace(/\/$/, '/index.html');
		const file = path.join(site, path.normalize(rel));
		if (!file.startsWith(site + path.sep) || !fs.existsSync(file) ||
		    !fs.statSync(file).isFile()) {
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('not found');
			return;
		}
		res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
		res.end(fs.readFileSync(file));
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
	fs.mkdirSync(shots, { recursive: true });
	cg('publish', '-o', site);
	const sources = JSON.parse(cg('sources', '--format', 'json'));
	const dims = {};
	for (const s of sources) {
		dims[s.id] = {
			classes: JSON.parse(cg('classes', '--source', s.id, '--format', 'json')),
			cats: JSON.parse(cg('categories', '--source', s.id, '--format', 'json')),
		};
	}
	const server = await serve();
	const base = `http://127.0.0.1:${server.address().port}/`;
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox'],
		headless: true,
	});
	const outside = [];
	const consoleErrors = [];

	async function newContext(opts = {}) {
		const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts });
		await ctx.route('**/*', (route) => {
			const u = route.request().url();
			if (u.startsWith(base) || u.startsWith('file:') || u.startsWith('data:')) {
				return route.continue();
			}
			outside.push(u);
			return route.abort();
		});
		ctx.on('page', watch);
		return ctx;
	}
	function watch(page) {
		page.on('console', (m) => {
			if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
		});
		page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
	}

	const ctx = await newContext();
	const page = await ctx.newPage();

	// ---- crawl every page and link ----
	const dead = [], absolute = [], ids = new Map(), fragments = [];
	const seen = new Set(), queue = [base + 'index.html'];
	const assets = new Set();
	seen.add(queue[0]);
	while (queue.length > 0) {
		const url = queue.shift();
		const resp = await page.goto(url);
		if (!resp || resp.status() !== 200) {
			dead.push(`${url}: ${resp ? resp.status() : 'no response'}`);
			continue;
		}
		ids.set(url, new Set(await page.$$eval('[id]', (els) => els.map((e) => e.id))));
		const refs = await page.$$eval('a[href], link[href], script[src], img[src]',
			(els) => els.map((e) => e.getAttribute('href') ?? e.getAttribute('src')));
		for (const raw of refs) {
			if (raw === 'data:,') continue; // the empty favicon
			if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('/')) {
				absolute.push(`${url}: ${raw}`);
				continue;
			}
			const target = new URL(raw, url);
			if (target.hash && !target.hash.includes('=')) {
				fragments.push([url, target.href.split('#')[0], decodeURIComponent(target.hash.slice(1))]);
			}
			target.hash = '';
			const t = target.href;
			if (t.endsWith('.html')) {
				if (!seen.has(t)) {
					seen.add(t);
					queue.push(t);
				}
			} else {
				assets.add(`${url} -> ${t}`);
			}
		}
	}
	const checkedAssets = new Set();
	for (const a of assets) {
		const [from, t] = a.split(' -> ');
		if (checkedAssets.has(t)) continue;
		checkedAssets.add(t);
		const r = await fetch(t);
		if (r.status !== 200) dead.push(`${from}: ${t}: ${r.status}`);
	}
	for (const [from, target, id] of fragments) {
		const have = ids.get(target);
		if (have && !have.has(id)) dead.push(`${from}: #${id} is not in ${target}`);
	}
	check(`crawl: ${seen.size} pages and ${checkedAssets.size} other files, no dead link`, dead);
	check('every URL in the pages is relative', absolute);
	let expected = 1;
	for (const s of sources) {
		const d = dims[s.id];
		expected += 2 + s.clauses + Math.max(d.classes.length, 1) * Math.max(d.cats.length, 1);
	}
	check(`every page is reachable by links (${expected} expected)`,
		seen.size === expected ? [] : [`reached ${seen.size} pages`]);

	// ---- the matrix filter against `clausegen select` ----
	for (const s of sources) {
		const d = dims[s.id];
		if (d.classes.length === 0 && d.cats.length === 0) continue;
		const problems = [];
		const classes = d.classes.length ? d.classes : [null];
		const cats = d.cats.length ? d.cats : [null];
		await page.goto(`${base}${s.id}/matrix.html`);
		let n = 0;
		for (const k of classes) {
			for (const c of cats) {
				const args = ['select', '--source', s.id, '--format', 'json'];
				if (c) args.push('--category', c.id);
				if (k) args.push('--class', k.id);
				const want = JSON.parse(cg(...args)).map((x) => x.id).join(' ');
				if (k) await page.selectOption('#f-class', k.id);
				if (c) await page.selectOption('#f-category', c.id);
				const got = (await page.$$eval('#matrix tbody tr:not([hidden])',
					(rows) => rows.map((r) => r.dataset.id))).join(' ');
				const label = `${k ? k.id : ''}/${c ? c.id : ''}`;
				if (got !== want) problems.push(`${label}: filter shows [${got}], select gives [${want}]`);
				// Only the chosen class x category columns stay, one per table.
				const colsOk = await page.$$eval('#matrix thead th.cat', (ths, kc) => {
					const want = ths.filter((t) => (kc[0] === '' || t.dataset.k === '' || t.dataset.k === kc[0]) &&
						(kc[1] === '' || t.dataset.c === kc[1])).length;
					return ths.filter((t) => !t.hidden).length === want && want > 0;
				}, [k ? k.id : '', c ? c.id : '']);
				if (!colsOk) problems.push(`${label}: the visible columns are not those of the choice`);
				// The class x category page lists the same clauses.
				const name = selPage(k, c);
				const sel = await fetch(`${base}${s.id}/${name}`).then((r) => r.text());
				const listed = [...sel.matchAll(/data-clause="([^"]+)"/g)].map((m) => m[1]).join(' ');
				if (listed !== want) problems.push(`${name} lists [${listed}], select gives [${want}]`);
				n++;
			}
		}
		// The same choice from a link (matrix.html#class=…&category=…).
		const k = classes[classes.length - 1], c = cats[cats.length - 1];
		const hash = [k && `class=${k.id}`, c && `category=${c.id}`].filter(Boolean).join('&');
		const fresh = await ctx.newPage();
		await fresh.goto(`${base}${s.id}/matrix.html#${hash}`);
		const args = ['select', '--source', s.id, '--format', 'json'];
		if (c) args.push('--category', c.id);
		if (k) args.push('--class', k.id);
		const want = JSON.parse(cg(...args)).map((x) => x.id).join(' ');
		const got = (await fresh.$$eval('#matrix tbody tr:not([hidden])', (rows) => rows.map((r) => r.dataset.id))).join(' ');
		if (got !== want) problems.push(`#${hash}: shows [${got}], select gives [${want}]`);
		await fresh.screenshot({ path: path.join(shots, `${s.id}-matrix-filtered.png`) });
		await fresh.close();
		check(`${s.id}: matrix filter = select for ${n} class x category choices`, problems);
	}

	// ---- keyword filter ----
	{
		const problems = [];
		await page.goto(`${base}shinagawa/matrix.html`);
		await page.fill('#f-q', '暗号');
		const rows = await page.$$eval('#matrix tbody tr:not([hidden])', (rs) => rs.map((r) => r.dataset.text));
		if (rows.length === 0) problems.push('keyword 暗号 matches nothing');
		for (const t of rows) if (!t.includes('暗号')) problems.push(`row without the keyword: ${t.slice(0, 40)}`);
		const all = await page.$$eval('#matrix tbody tr', (rs) => rs.length);
		if (rows.length >= all) problems.push('keyword hides nothing');
		await page.screenshot({ path: path.join(shots, 'shinagawa-matrix-keyword.png') });
		check(`keyword filter (${rows.length} rows with 暗号)`, problems);
	}

	// ---- sticky headers ----
	{
		const problems = [];
		await page.goto(`${base}shinagawa/matrix.html`);
		const pos = await page.evaluate(() => {
			const wrap = document.querySelector('.matrix-wrap');
			wrap.scrollTop = 1500;
			wrap.scrollLeft = 600;
			const w = wrap.getBoundingClientRect();
			const head = document.querySelector('#matrix thead').getBoundingClientRect();
			const rows = [...document.querySelectorAll('#matrix tbody th')];
			const vis = rows.find((r) => r.getBoundingClientRect().top > w.top + head.height);
			return { wrapTop: w.top, wrapLeft: w.left, headTop: head.top, rowLeft: vis.getBoundingClientRect().left };
		});
		if (Math.abs(pos.headTop - pos.wrapTop) > 2) problems.push(`header not sticky: ${JSON.stringify(pos)}`);
		if (Math.abs(pos.rowLeft - pos.wrapLeft) > 2) problems.push(`clause column not sticky: ${JSON.stringify(pos)}`);
		await page.screenshot({ path: path.join(shots, 'shinagawa-matrix-scrolled.png') });
		check('matrix header and clause column stay in view', problems);
	}

	// ---- screenshots of each kind of page ----
	await page.goto(`${base}index.html`);
	await page.screenshot({ path: path.join(shots, 'index.png'), fullPage: true });
	for (const s of sources) {
		await page.goto(`${base}${s.id}/index.html`);
		await page.screenshot({ path: path.join(shots, `${s.id}-index.png`) });
		await page.goto(`${base}${s.id}/matrix.html`);
		await page.screenshot({ path: path.join(shots, `${s.id}-matrix.png`) });
	}
	await page.goto(`${base}shinagawa/clause-sg-8-3.html`).catch(() => {});
	await page.screenshot({ path: path.join(shots, 'shinagawa-clause.png'), fullPage: true });
	await page.goto(`${base}nisc/clause-nisc-09.html`);
	await page.screenshot({ path: path.join(shots, 'nisc-clause.png'), fullPage: true });
	await page.goto(`${base}shinagawa/sel-II.saas.html`);
	await page.screenshot({ path: path.join(shots, 'shinagawa-sel.png') });
	await page.goto(`${base}nisc/sel-dc.html`);
	await page.screenshot({ path: path.join(shots, 'nisc-sel.png') });

	// ---- a clause number is one word: never broken over two lines ----
	// (a 項番 column of "1-1-" over "1" was seen in a screenshot), on a wide
	// and on a narrow window, on the class x category pages of every source.
	{
		const problems = [];
		let n = 0;
		for (const width of [1280, 720]) {
			await page.setViewportSize({ width, height: 800 });
			for (const s of sources) {
				const k = dims[s.id].classes[0], c = dims[s.id].cats[0];
				const name = selPage(k, c);
				await page.goto(`${base}${s.id}/${name}`);
				const nums = await page.$$eval('table.sel td.num a', (as) => ({
					n: as.length,
					broken: as.filter((a) => a.getClientRects().length !== 1).map((a) => a.textContent),
				}));
				n += nums.n;
				if (nums.broken.length > 0) problems.push(`${s.id} ${name} at ${width} px: ${nums.broken.slice(0, 5).join(', ')}`);
			}
		}
		await page.setViewportSize({ width: 1280, height: 800 });
		if (n === 0) problems.push('no clause numbers found on the sel pages');
		check(`clause numbers on one line (${n} looked at)`, problems);
	}

	// ---- JavaScript off: the whole matrix, no dead controls ----
	{
		const problems = [];
		const noJs = await newContext({ javaScriptEnabled: false });
		const p = await noJs.newPage();
		for (const s of sources) {
			await p.goto(`${base}${s.id}/matrix.html`);
			const r = await p.evaluate(() => ({
				rows: document.querySelectorAll('#matrix tbody tr').length,
				shown: [...document.querySelectorAll('#matrix tbody tr')].filter((t) => t.offsetParent !== null).length,
				cells: [...document.querySelectorAll('#matrix tbody td')].filter((t) => t.offsetParent !== null).length,
				allCells: document.querySelectorAll('#matrix tbody td').length,
				form: document.getElementById('filter').offsetParent !== null,
			}));
			if (r.rows !== s.clauses || r.shown !== s.clauses) problems.push(`${s.id}: ${r.shown} of ${s.clauses} rows shown`);
			if (r.cells !== r.allCells) problems.push(`${s.id}: ${r.cells} of ${r.allCells} cells shown`);
			if (r.form) problems.push(`${s.id}: filter form shown without JavaScript`);
		}
		await p.goto(`${base}shinagawa/matrix.html`);
		await p.screenshot({ path: path.join(shots, 'shinagawa-matrix-nojs.png') });
		await noJs.close();
		check('without JavaScript every matrix is complete', problems);
	}

	// ---- file:// ----
	{
		const problems = [];
		const p = await ctx.newPage();
		await p.goto(pathToFileURL(path.join(site, 'index.html')).href);
		await p.click('a[href="nisc/index.html"]');
		await p.waitForURL(/\/nisc\/index\.html$/, { waitUntil: 'load' });
		await p.click('a[href="matrix.html"]');
		await p.waitForURL(/\/nisc\/matrix\.html$/, { waitUntil: 'load' });
		const r = await p.evaluate(() => ({
			url: location.href,
			styled: getComputedStyle(document.querySelector('header.site')).backgroundColor,
			form: !document.getElementById('filter').hidden,
		}));
		if (!r.url.startsWith('file:') || !r.url.endsWith('/nisc/matrix.html')) problems.push(`ended at ${r.url}`);
		if (r.styled === 'rgba(0, 0, 0, 0)') problems.push('site.css not applied from file://');
		if (!r.form) problems.push('site.js did not run from file://');
		await p.screenshot({ path: path.join(shots, 'nisc-matrix-file.png') });
		await p.close();
		check('pages work from file://', problems);
	}

	check('no request outside the site', outside);
	check('no console errors', consoleErrors);
	await browser.close();
	server.close();
}

try {
	await main();
} catch (e) {
	failed++;
	console.log(`FAIL ${e.stack || e}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`screenshots in ${shots}`);
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
