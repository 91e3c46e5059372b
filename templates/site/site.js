/* The matrix filter of the guideline site. Optional: without it the page
 * shows the whole table. Rows: a clause stays when the selection for the
 * chosen class x category puts it into the documents (the row's data-in,
 * written by clausegen from the same rules as `clausegen select`) and its
 * text contains the keyword. Columns: those of the chosen class and
 * category. The choice can be given as matrix.html#class=I&category=dev. */
(function () {
	'use strict';
	var form = document.getElementById('filter');
	var table = document.getElementById('matrix');
	if (!form || !table) {
		return;
	}
	var klass = form.elements.namedItem('class');
	var cat = form.elements.namedItem('category');
	var q = form.elements.namedItem('q');
	var count = document.getElementById('f-count');
	var rows = Array.prototype.slice.call(table.tBodies[0].rows);
	var cells = Array.prototype.slice.call(table.querySelectorAll('[data-c]'));
	var cats = Array.prototype.slice.call(table.querySelectorAll('thead th.cat'));
	var kgroups = Array.prototype.slice.call(table.querySelectorAll('thead th.kgroup'));
	var tgroups = Array.prototype.slice.call(table.querySelectorAll('thead th.tgroup'));

	function value(sel) {
		return sel ? sel.value : '';
	}

	function apply() {
		var k = value(klass), c = value(cat), words = q.value.trim().toLowerCase();
		/* A row filter needs every dimension the source has. */
		var key = null, shown = 0;
		if ((klass || cat) && (!klass || k) && (!cat || c)) {
			key = [k, c].filter(function (s) { return s !== ''; }).join('.');
		}
		rows.forEach(function (r) {
			var ok = true;
			if (key !== null) {
				ok = (' ' + r.getAttribute('data-in') + ' ').indexOf(' ' + key + ' ') >= 0;
			}
			if (ok && words !== '') {
				var text = r.getAttribute('data-text').toLowerCase();
				ok = words.split(/\s+/).every(function (w) { return text.indexOf(w) >= 0; });
			}
			r.hidden = !ok;
			if (ok) {
				shown++;
			}
		});
		cells.forEach(function (el) {
			var dk = el.getAttribute('data-k'), dc = el.getAttribute('data-c');
			var off = (k !== '' && dk !== '' && dk !== k) || (c !== '' && dc !== '' && dc !== c);
			if (el.classList.contains('kgroup')) {
				off = k !== '' && dk !== k;
			}
			el.hidden = off;
		});
		/* Group headings span what is left of their columns. */
		kgroups.forEach(function (g) {
			var n = cats.filter(function (h) {
				return !h.hidden && h.getAttribute('data-t') === g.getAttribute('data-t') &&
					h.getAttribute('data-k') === g.getAttribute('data-k');
			}).length;
			g.hidden = g.hidden || n === 0;
			g.colSpan = Math.max(n, 1);
		});
		tgroups.forEach(function (g) {
			var n = cats.filter(function (h) {
				return !h.hidden && h.getAttribute('data-t') === g.getAttribute('data-t');
			}).length;
			g.hidden = n === 0;
			g.colSpan = Math.max(n, 1);
		});
		count.textContent = shown + ' / ' + rows.length + ' ' + form.getAttribute('data-count');
	}

	function fromHash() {
		var h = location.hash.replace(/^#/, '');
		h.split('&').forEach(function (p) {
			var kv = p.split('=');
			var el = kv[0] === 'class' ? klass : kv[0] === 'category' ? cat : null;
			if (el && kv.length === 2) {
				el.value = decodeURIComponent(kv[1]);
			}
		});
	}

	form.hidden = false;
	form.addEventListener('submit', function (e) { e.preventDefault(); });
	form.addEventListener('input', apply);
	form.addEventListener('change', apply);
	window.addEventListener('hashchange', function () { fromHash(); apply(); });
	fromHash();
	apply();
}());
