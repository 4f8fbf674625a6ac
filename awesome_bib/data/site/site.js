// awesome-bib page: search, filters, the URL fragment and the copy buttons. The papers are in the
// HTML already; this only shows and hides them. No library, no network.
'use strict';
(() => {
  const $ = (selector) => document.querySelector(selector);
  const papers = JSON.parse($('#page-data').textContent).papers;
  const search = $('#q');
  const controls = {from: $('#year-from'), to: $('#year-to'), kind: $('#kind')};
  const count = $('#count');
  const empty = $('#empty');
  const status = $('#status');
  const navBox = $('#nav-box');
  const names = ['q', 'section', 'from', 'to', 'kind'];
  const wide = matchMedia('(min-width: 60rem)');  // as the CSS's breakpoint

  const sections = Array.from(document.querySelectorAll('section.sec'), (element) => ({
    element,
    path: element.dataset.path,
    heading: element.querySelector('h2, h3, h4, h5, h6'),
  }));
  const sectionOf = new Map(sections.map((section) => [section.element, section]));
  const byPath = new Map(sections.filter((section) => section.path).map((section) => [section.path, section]));
  const entries = Array.from(document.querySelectorAll('li.paper'), (li) => {
    const chain = [];
    for (let element = li.closest('section.sec'); element; element = element.parentElement.closest('section.sec')) {
      chain.push(sectionOf.get(element));
    }
    return {li, key: li.dataset.key, path: chain[0].path, chain};
  });
  const navLinks = Array.from(document.querySelectorAll('a[data-section]'));

  const fold = (text) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  const inside = (path, chosen) => chosen === '' || path === chosen || path.startsWith(chosen + '/');

  let state = {q: '', section: '', from: '', to: '', kind: ''};

  function fromFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    const next = {};
    for (const name of names) next[name] = params.get(name) || '';
    if (!byPath.has(next.section)) next.section = '';
    for (const [name, select] of Object.entries(controls)) {
      if (!Array.from(select.options, (option) => option.value).includes(next[name])) next[name] = '';
    }
    return next;
  }

  function fragmentOf(current) {
    return names.filter((name) => current[name])
      .map((name) => `${name}=${encodeURIComponent(current[name]).replace(/%2F/g, '/')}`)
      .join('&');
  }

  function remember(push) {
    const fragment = fragmentOf(state);
    const url = fragment ? `#${fragment}` : location.pathname + location.search;
    if ((location.hash.slice(1) || '') === fragment) return;
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  function matcher(current) {
    const terms = fold(current.q).split(/\s+/).filter(Boolean);
    const from = current.from ? Number(current.from) : -Infinity;
    const to = current.to ? Number(current.to) : Infinity;
    const filtered = Boolean(current.from || current.to);
    const known = new Map();
    return (key) => {
      if (!known.has(key)) {
        const paper = papers[key];
        let ok = !current.kind || paper.kind === current.kind;
        if (ok && filtered) ok = paper.year !== null && paper.year >= from && paper.year <= to;
        if (ok) ok = terms.every((term) => paper.find.includes(term));
        known.set(key, ok);
      }
      return known.get(key);
    };
  }

  function show(next) {
    state = next;
    if (search.value !== state.q) search.value = state.q;
    for (const [name, select] of Object.entries(controls)) select.value = state[name];
    const matches = matcher(state);
    const visible = new Set();
    const found = new Set();
    const scope = new Set();
    for (const entry of entries) {
      const wanted = inside(entry.path, state.section);
      if (wanted) scope.add(entry.key);
      const ok = wanted && matches(entry.key);
      if (entry.li.hidden === ok) entry.li.hidden = !ok;
      if (ok) {
        found.add(entry.key);
        for (const section of entry.chain) visible.add(section);
      }
    }
    for (const section of sections) {
      const ok = visible.has(section);
      if (section.element.hidden === ok) section.element.hidden = !ok;
      const context = ok && state.section !== '' && !inside(section.path, state.section);
      section.element.classList.toggle('context', context);
    }
    for (const link of navLinks) {
      if (link.dataset.section === state.section) link.setAttribute('aria-current', 'true');
      else link.removeAttribute('aria-current');
    }
    const where = state.section ? ` in ${byPath.get(state.section).heading.firstChild.textContent.trim()}` : '';
    const filtering = state.q || state.from || state.to || state.kind;
    const word = scope.size === 1 ? 'paper' : 'papers';
    count.textContent = filtering
      ? `${found.size} of ${scope.size} ${word}${where} match`
      : `${scope.size} ${word}${where}`;
    empty.hidden = found.size > 0;
  }

  function update(push) {
    const next = {...state, q: search.value};
    for (const [name, select] of Object.entries(controls)) next[name] = select.value;
    show(next);
    remember(push);
  }

  function choose(path) {
    show({...state, section: path});
    remember(true);
    if (!wide.matches) navBox.open = false;
    const target = path ? byPath.get(path).heading : $('#papers');
    target.focus({preventScroll: true});
    target.scrollIntoView({block: 'start'});
  }

  function say(text) {
    status.textContent = text;
    clearTimeout(say.timer);
    say.timer = setTimeout(() => { status.textContent = ''; }, 4000);
  }

  async function copy(text, what) {
    try {
      await navigator.clipboard.writeText(text);
      say(`Copied ${what}.`);
    } catch (error) {
      $('#copy-what').textContent = what;
      const field = $('#copy-text');
      field.value = text;
      $('#copy-dialog').showModal();
      field.focus();
      field.select();
    }
  }

  function keyOf(button) {
    return button.closest('li.paper').dataset.key;
  }

  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-section]');
    if (link) {
      event.preventDefault();
      choose(link.dataset.section);
      return;
    }
    const button = event.target.closest('button');
    if (!button) return;
    if (button.classList.contains('more')) {
      const open = button.getAttribute('aria-expanded') !== 'true';
      button.previousElementSibling.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      button.textContent = open ? 'fewer' : `et al. (+${button.dataset.rest})`;
    } else if (button.classList.contains('copy-bib')) {
      copy(papers[keyOf(button)].bib, `the BibTeX of ${keyOf(button)}`);
    } else if (button.classList.contains('copy-key')) {
      copy(`\\cite{${keyOf(button)}}`, `\\cite{${keyOf(button)}}`);
    } else if (button.classList.contains('copy-cite')) {
      copy(button.dataset.cite, 'the \\cite{…} of the section');
    } else if (button.id === 'clear' || button.id === 'clear-all') {
      show({...state, q: '', from: '', to: '', kind: '', section: button.id === 'clear-all' ? '' : state.section});
      remember(false);
      search.focus();
    } else if (button.id === 'copy-close') {
      $('#copy-dialog').close();
    }
  });

  search.addEventListener('input', () => update(false));
  for (const select of Object.values(controls)) select.addEventListener('change', () => update(false));
  $('form.filters').addEventListener('submit', (event) => event.preventDefault());
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && search.value) {
      search.value = '';
      update(false);
    }
  });
  document.addEventListener('keydown', (event) => {
    const typing = event.target.closest('input, select, textarea, [contenteditable]');
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });
  window.addEventListener('hashchange', () => show(fromFragment()));
  window.addEventListener('popstate', () => show(fromFragment()));

  // The section tree is a sidebar on wide screens and a fold-out above the papers on narrow ones
  // (open in the HTML, so that it shows where this script does not run).
  const fit = () => { navBox.open = wide.matches; };
  wide.addEventListener('change', fit);
  fit();
  show(fromFragment());
})();
