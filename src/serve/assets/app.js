// partnermatch local page: search a body, rank its partners, reorder the criteria, filter,
// describe the body (a statement sent as a profile layer), shortlist, download. Plain JavaScript, no build step, no third-party code. Every value from the server
// goes into the page through textContent or an SVG attribute, never as markup.
'use strict';

(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);

  const state = {
    meta: null,
    body: null, // the chosen body's id
    order: [], // criterion names, highest priority first
    defaultOrder: [],
    method: '',
    mutual: '',
    service: '',
    sector: '',
    region: '',
    withinArea: '',
    withinKm: '',
    top: '',
    excludePartners: false,
    // The "describe your body" statement: per field, the stated value, or null when the panel
    // states nothing for it (the data's value stands).
    statement: emptyStatement(),
    // A statement's text to send as it is (from the address or a loaded file) until the page
    // has read it back into the panel; null otherwise.
    pendingProfile: null,
    // With a loaded file: rank the body the file is about, not the one chosen.
    pendingWithoutBody: false,
    // Fill the panel's controls from the next ranking shown.
    fillPanel: true,
  };
  // Statements of other bodies described in this visit, kept when another body is chosen.
  const statements = new Map();
  let serial = 0; // the latest request; older answers are dropped
  let searchSerial = 0;
  let searchTimer = null;
  let kindLabels = new Map();
  let criterionInfo = new Map();

  function emptyStatement() {
    return { services_sought: null, services_offered: null, barriers: null, reasons: null, ict: null };
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function km(d) {
    return d < 1 ? d.toFixed(1) + ' km' : Math.round(d) + ' km';
  }

  class ApiError extends Error {
    constructor(body, status) {
      super((body && body.error) || 'the server answered ' + status);
      this.body = body || {};
      this.status = status;
    }
  }

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) throw new ApiError(body, response.status);
    return body;
  }

  // ---- query string <-> state -------------------------------------------------------------

  function rankQuery() {
    const q = new URLSearchParams();
    if (state.body) q.set('body', state.body);
    if (state.order.join(',') !== state.defaultOrder.join(',')) q.set('order', state.order.join(','));
    if (state.method && state.method !== state.meta.method) q.set('method', state.method);
    if (state.mutual && state.mutual !== state.meta.default_mutual) q.set('mutual', state.mutual);
    if (state.service) q.set('service', state.service);
    if (state.sector) q.set('sector', state.sector);
    if (state.region) q.set('region', state.region);
    if (state.withinArea) q.set('within_area', state.withinArea);
    if (state.withinKm !== '') q.set('within_km', state.withinKm);
    if (state.top !== '' && String(state.top) !== String(state.meta.default_top)) q.set('top', state.top);
    if (state.excludePartners) q.set('exclude_partners', 'true');
    const profile = state.pendingProfile !== null ? state.pendingProfile : statementToml();
    if (profile) q.set('profile', profile);
    if (state.pendingWithoutBody) q.delete('body');
    return q;
  }

  function readLocation() {
    const q = new URLSearchParams(window.location.search);
    const names = new Set(state.defaultOrder);
    const order = (q.get('order') || '').split(',').filter((n) => names.has(n));
    if (order.length === names.size && new Set(order).size === names.size) state.order = order;
    state.method = q.get('method') || state.meta.method;
    state.mutual = q.get('mutual') || state.meta.default_mutual;
    state.service = q.get('service') || '';
    state.sector = q.get('sector') || '';
    state.region = q.get('region') || '';
    state.withinArea = q.get('within_area') || '';
    state.withinKm = q.get('within_km') || '';
    state.top = q.get('top') || String(state.meta.default_top);
    state.excludePartners = q.get('exclude_partners') === 'true';
    // The statement in the address is sent as it is, then read back into the panel.
    if (q.get('profile')) state.pendingProfile = q.get('profile');
    return q.get('body');
  }

  function syncControls() {
    $('method').value = state.method;
    $('mutual').value = state.mutual;
    $('service').value = state.service;
    $('sector').value = state.sector;
    $('region').value = state.region;
    $('within-area').value = state.withinArea;
    $('within-km').value = state.withinKm;
    $('top').value = state.top;
    $('exclude-partners').checked = state.excludePartners;
  }

  // ---- controls -----------------------------------------------------------------------------

  function fillSelect(select, items, value, label) {
    for (const item of items) select.appendChild(el('option', { value: value(item) }, label(item)));
  }

  function swatch(colour) {
    const s = svgEl('svg', { width: 12, height: 12, viewBox: '0 0 12 12', 'aria-hidden': 'true', class: 'swatch' });
    s.appendChild(svgEl('rect', { width: 12, height: 12, fill: colour }));
    return s;
  }

  function renderOrder(focus) {
    const list = $('order');
    clear(list);
    state.order.forEach((name, i) => {
      const info = criterionInfo.get(name);
      const li = el('li', { draggable: 'true', 'data-name': name });
      const label = el('span', { class: 'name' });
      label.appendChild(swatch(info.colour));
      label.appendChild(el('span', {}, info.label));
      const weight = el('span', { class: 'weight', 'data-weight-for': name });
      label.appendChild(weight);
      li.appendChild(label);
      reorderable({
        list, li, name, index: i, items: () => state.order, what: info.label, prefix: '', focus, move,
        drop: (order, dragged) => {
          state.order = order;
          renderOrder();
          announce('Moved ' + criterionInfo.get(dragged).label + ' to place ' + (state.order.indexOf(dragged) + 1));
          update();
        },
      });
    });
  }

  // One item of a list reordered by dragging and by its up and down buttons (the criteria and
  // the reasons for sharing). `items()` gives the list's order at the time; `move(name, dir)` moves by a button,
  // `drop(order, dragged)` takes the order a drag made. The drag data carry `prefix`, so that
  // one list does not take another's items. Appends the item to `list`, and focuses its button
  // when `focus` names it (after a move by keyboard).
  function reorderable({ list, li, name, index, items, what, prefix, focus, move, drop }) {
    const up = el('button', { type: 'button', class: 'up', 'aria-label': 'Move ' + what + ' up' }, '↑');
    const down = el('button', { type: 'button', class: 'down', 'aria-label': 'Move ' + what + ' down' }, '↓');
    up.disabled = index === 0;
    down.disabled = index === items().length - 1;
    up.addEventListener('click', () => move(name, -1));
    down.addEventListener('click', () => move(name, +1));
    li.appendChild(up);
    li.appendChild(down);
    li.addEventListener('dragstart', (e) => {
      e.dataTransfer.setData('text/plain', prefix + name);
      e.dataTransfer.effectAllowed = 'move';
      li.classList.add('dragging');
    });
    li.addEventListener('dragend', () => {
      li.classList.remove('dragging');
      for (const other of list.children) other.classList.remove('drop-target');
    });
    li.addEventListener('dragover', (e) => {
      e.preventDefault();
      li.classList.add('drop-target');
    });
    li.addEventListener('dragleave', () => li.classList.remove('drop-target'));
    li.addEventListener('drop', (e) => {
      e.preventDefault();
      const data = e.dataTransfer.getData('text/plain') || '';
      const dragged = data.startsWith(prefix) ? data.slice(prefix.length) : '';
      const order = items();
      if (!dragged || dragged === name || !order.includes(dragged)) return;
      const without = order.filter((n) => n !== dragged);
      without.splice(without.indexOf(name), 0, dragged);
      drop(without, dragged);
    });
    list.appendChild(li);
    if (focus && focus.name === name) {
      const target = focus.dir < 0 ? (up.disabled ? down : up) : (down.disabled ? up : down);
      target.focus();
    }
  }

  function move(name, dir) {
    const i = state.order.indexOf(name);
    const j = i + dir;
    if (i < 0 || j < 0 || j >= state.order.length) return;
    const order = state.order.slice();
    order[i] = order[j];
    order[j] = name;
    state.order = order;
    renderOrder({ name, dir });
    announce(criterionInfo.get(name).label + ' moved to place ' + (j + 1));
    update();
  }

  function announce(text) {
    $('status').textContent = text;
  }

  // ---- search -------------------------------------------------------------------------------

  function hideResults() {
    const list = $('search-results');
    list.hidden = true;
    clear(list);
  }

  async function search(text) {
    const mine = ++searchSerial;
    const list = $('search-results');
    if (!text.trim()) {
      hideResults();
      return;
    }
    let data;
    try {
      data = await getJSON('/api/bodies?' + new URLSearchParams({ q: text, limit: '10' }));
    } catch (e) {
      showError(e);
      return;
    }
    if (mine !== searchSerial) return;
    clear(list);
    if (data.bodies.length === 0) {
      list.appendChild(el('li', { class: 'none' }, 'No body matches'));
    }
    for (const body of data.bodies) {
      const li = el('li');
      const button = el('button', { type: 'button', 'data-id': body.id });
      button.appendChild(el('span', { class: 'main' }, body.name));
      const sub = [body.id, body.kind, body.region].filter(Boolean).join(' · ');
      button.appendChild(el('span', { class: 'sub' }, sub));
      button.addEventListener('click', () => choose(body));
      button.addEventListener('keydown', (e) => resultKey(e, li));
      li.appendChild(button);
      list.appendChild(li);
    }
    list.hidden = false;
  }

  function resultKey(e, li) {
    if (e.key === 'ArrowDown' && li.nextElementSibling) {
      e.preventDefault();
      li.nextElementSibling.querySelector('button').focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (li.previousElementSibling) li.previousElementSibling.querySelector('button').focus();
      else $('search').focus();
    } else if (e.key === 'Escape') {
      hideResults();
      $('search').focus();
    }
  }

  function choose(body) {
    if (state.body && state.body !== body.id) {
      // Each body has its own statement: keep this one for a return, restore the other's.
      statements.set(state.body, state.statement);
      state.statement = statements.get(body.id) || emptyStatement();
      state.pendingProfile = null;
      state.fillPanel = true;
    }
    state.body = body.id;
    $('search').value = body.name;
    hideResults();
    update();
  }


  // ---- describe your body -------------------------------------------------------------------

  // The panel states fields of the ranked body as a profile layer: the TOML that
  // `partnermatch --profile` reads, built here from the controls and sent as the `profile`
  // parameter. Only fields the officer has changed are stated; a list with nothing ticked
  // states nothing.
  const SEVERITIES = [
    ['', 'not known'], ['0.00', 'no concern (0)'], ['0.25', 'mild (0.25)'], ['0.50', 'moderate (0.5)'],
    ['0.75', 'serious (0.75)'], ['1.00', 'a deal-breaker (1)'],
  ];
  const PANEL_LABELS = {
    services_sought: 'services sought', services_offered: 'services offered', barriers: 'barriers',
    reasons: 'reasons for sharing', ict: 'ICT systems',
  };
  let reasonOrder = []; // reason names in the panel's order

  function tomlList(names) {
    return '[' + names.map((n) => JSON.stringify(n)).join(', ') + ']';
  }

  // JSON's strings are TOML basic strings (the same escapes), so JSON.stringify quotes safely.
  function statementToml() {
    const st = state.statement;
    if (!state.body) return '';
    const lines = [];
    if (st.services_sought) lines.push('services_sought = ' + tomlList(st.services_sought));
    if (st.services_offered) lines.push('services_offered = ' + tomlList(st.services_offered));
    if (st.barriers) {
      lines.push('barriers = { ' + Object.entries(st.barriers).map(([b, v]) => b + ' = ' + v).join(', ') + ' }');
    }
    if (st.reasons) lines.push('reasons = ' + tomlList(st.reasons));
    if (st.ict) {
      lines.push('ict = { ' + st.ict.map(([service, system]) => service + ' = ' + JSON.stringify(system)).join(', ') + ' }');
    }
    if (!lines.length) return '';
    return 'id = ' + JSON.stringify(state.body) + '\n' + lines.join('\n') + '\n';
  }

  function readServices(column) {
    const names = Array.from(document.querySelectorAll('#statement-services input[data-column="' + column + '"]'))
      .filter((b) => b.checked).map((b) => b.dataset.service);
    return names.length ? names : null;
  }

  function readBarriers() {
    const out = {};
    for (const select of document.querySelectorAll('#statement-barriers select')) {
      if (select.value !== '') out[select.dataset.barrier] = select.value;
    }
    return Object.keys(out).length ? out : null;
  }

  function readReasons() {
    const names = reasonOrder.filter((name) => {
      const box = document.querySelector('#statement-reasons input[data-reason="' + name + '"]');
      return box && box.checked;
    });
    return names.length ? names : null;
  }

  function readIct() {
    const rows = Array.from(document.querySelectorAll('#statement-ict li'))
      .map((li) => [li.querySelector('select').value, li.querySelector('input').value.trim()])
      .filter(([service, system]) => service && system);
    return rows.length ? rows : null;
  }

  // One of the panel's fields changed: state it, say so, rank again.
  function stateField(field, value) {
    state.statement[field] = value;
    describeStatement();
    update();
  }

  function describeStatement(extra) {
    const stated = Object.keys(PANEL_LABELS).filter((f) => state.statement[f]);
    const marks = { services: stated.some((f) => f.startsWith('services')), barriers: stated.includes('barriers'),
      reasons: stated.includes('reasons'), ict: stated.includes('ict') };
    for (const [group, on] of Object.entries(marks)) $(group + '-stated').textContent = on ? '(stated)' : '';
    $('statement-status').textContent = (stated.length
      ? 'Stated: ' + stated.map((f) => PANEL_LABELS[f]).join(', ') + '. The ranking uses them.'
      : 'Nothing stated yet: the ranking uses the data alone.') + (extra ? ' ' + extra : '');
  }

  function buildPanel(meta) {
    const tbody = $('statement-services').tBodies[0];
    for (const s of meta.services) {
      const tr = el('tr');
      tr.appendChild(el('th', { scope: 'row' }, s.label));
      for (const [column, verb] of [['services_sought', 'We seek'], ['services_offered', 'We offer']]) {
        const td = el('td');
        const box = el('input', { type: 'checkbox', 'data-column': column, 'data-service': s.name, 'aria-label': verb + ' ' + s.label });
        box.addEventListener('change', () => stateField(column, readServices(column)));
        td.appendChild(box);
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
    const barriers = $('statement-barriers');
    for (const b of meta.barriers) {
      const id = 'barrier-' + b.name;
      barriers.appendChild(el('label', { for: id }, b.label.charAt(0).toUpperCase() + b.label.slice(1)));
      const select = el('select', { id, 'data-barrier': b.name });
      for (const [value, label] of SEVERITIES) select.appendChild(el('option', { value }, label));
      select.addEventListener('change', () => stateField('barriers', readBarriers()));
      barriers.appendChild(select);
    }
    reasonOrder = meta.reasons.map((r) => r.name);
    renderReasons(new Set());
    $('ict-add').addEventListener('click', () => {
      const row = addIctRow('', '');
      row.querySelector('select').focus();
    });
    $('statement-clear').addEventListener('click', () => {
      state.statement = emptyStatement();
      state.fillPanel = true;
      announce('The statement is cleared: the ranking uses the data alone.');
      update();
    });
    $('statement-file').addEventListener('change', () => {
      const file = $('statement-file').files[0];
      if (!file) return;
      if (file.size > meta.max_statement_bytes) {
        showError({ message: 'the file ' + file.name + ' is ' + Math.ceil(file.size / 1024) + ' KiB, more than the ' +
          meta.max_statement_bytes / 1024 + ' KiB a statement may have', body: { parameter: 'profile' } });
        return;
      }
      file.text().then((text) => {
        // Sent as it is; the server reads it with the code of --profile, and the panel is
        // filled from what it states.
        state.pendingProfile = text;
        state.pendingWithoutBody = true;
        state.loadingName = file.name;
        state.fillPanel = true;
        $('statement-file').value = '';
        announce('Loading the statement ' + file.name + '…');
        update();
      });
    });
  }

  function renderReasons(ticked, focus) {
    const list = $('statement-reasons');
    clear(list);
    const labels = new Map(state.meta.reasons.map((r) => [r.name, r.label]));
    reasonOrder.forEach((name, i) => {
      const label = labels.get(name);
      const li = el('li', { draggable: 'true', 'data-name': name });
      const id = 'reason-' + name;
      const box = el('input', { type: 'checkbox', id, 'data-reason': name });
      box.checked = ticked.has(name);
      box.addEventListener('change', () => stateField('reasons', readReasons()));
      li.appendChild(box);
      li.appendChild(el('label', { for: id }, label));
      reorderable({
        list, li, name, index: i, items: () => reasonOrder, what: 'reason ' + label, prefix: 'reason:',
        focus, move: moveReason, drop: (order, dragged) => placeReasons(order, dragged),
      });
    });
  }

  function tickedReasons() {
    return new Set(Array.from(document.querySelectorAll('#statement-reasons input:checked')).map((b) => b.dataset.reason));
  }

  function placeReasons(order, moved, focus) {
    const ticked = tickedReasons();
    reasonOrder = order;
    renderReasons(ticked, focus);
    announce('Reason ' + state.meta.reasons.find((r) => r.name === moved).label + ' moved to place ' + (order.indexOf(moved) + 1));
    // The order matters only among the reasons ticked.
    if (ticked.size) stateField('reasons', readReasons());
  }

  function moveReason(name, dir) {
    const i = reasonOrder.indexOf(name);
    const j = i + dir;
    if (i < 0 || j < 0 || j >= reasonOrder.length) return;
    const order = reasonOrder.slice();
    order[i] = order[j];
    order[j] = name;
    placeReasons(order, name, { name, dir });
  }

  function addIctRow(service, system) {
    const list = $('statement-ict');
    const n = list.children.length + 1;
    const li = el('li');
    const select = el('select', { 'aria-label': 'Service of ICT system ' + n });
    select.appendChild(el('option', { value: '' }, 'choose a service'));
    fillSelect(select, state.meta.services, (s) => s.name, (s) => s.label);
    select.value = service;
    const input = el('input', { type: 'text', 'aria-label': 'ICT system ' + n, spellcheck: 'false' });
    input.value = system;
    const remove = el('button', { type: 'button', class: 'secondary-button', 'aria-label': 'Remove ICT system ' + n }, 'Remove');
    select.addEventListener('change', () => stateField('ict', readIct()));
    input.addEventListener('change', () => stateField('ict', readIct()));
    remove.addEventListener('click', () => {
      li.remove();
      $('ict-add').focus();
      stateField('ict', readIct());
    });
    li.appendChild(select);
    li.appendChild(input);
    li.appendChild(remove);
    list.appendChild(li);
    return li;
  }

  // Sets the panel's controls to the ranked body's values (stated or from the data), and when a
  // statement's text was sent, takes what it states as the panel's statement. Returns whether
  // the page should rank again with its own statement's text.
  function fillPanel(view) {
    const current = view.panel.current;
    let note = '';
    let again = false;
    if (state.pendingProfile !== null) {
      const stated = view.panel.statement ? view.panel.statement.fields : [];
      const st = emptyStatement();
      for (const field of stated) {
        st[field] = field === 'ict' ? Object.entries(current.ict || {}) : field === 'barriers'
          ? Object.fromEntries(Object.entries(current.barriers || {}).map(([b, v]) => [b, Number(v).toFixed(2)]))
          : current[field];
      }
      state.statement = st;
      const other = view.panel.statement ? view.panel.statement.other_fields : [];
      if (other.length) {
        note = 'The statement also changed ' + other.join(', ') + ', which this panel does not show; the page leaves them out.';
      }
      const mine = statementToml();
      again = mine !== state.pendingProfile;
      state.pendingProfile = null;
      state.pendingWithoutBody = false;
      state.loadingName = '';
    }
    state.fillPanel = false;
    for (const box of document.querySelectorAll('#statement-services input')) {
      box.checked = (current[box.dataset.column] || []).includes(box.dataset.service);
    }
    for (const select of document.querySelectorAll('#statement-barriers select')) {
      const v = (current.barriers || {})[select.dataset.barrier];
      const value = v === undefined ? '' : Number(v).toFixed(2);
      if (!Array.from(select.options).some((o) => o.value === value)) {
        select.appendChild(el('option', { value }, value));
      }
      select.value = value;
    }
    const reasons = current.reasons || [];
    reasonOrder = reasons.concat(state.meta.reasons.map((r) => r.name).filter((n) => !reasons.includes(n)));
    renderReasons(new Set(reasons));
    clear($('statement-ict'));
    for (const [service, system] of Object.entries(current.ict || {})) addIctRow(service, system);
    describeStatement(note);
    return again;
  }

  // ---- ranking ------------------------------------------------------------------------------

  // The page's control for each API parameter, so that errors speak the page's words.
  const CONTROLS = {
    within_km: 'within-km', top: 'top', region: 'region', within_area: 'within-area',
    service: 'service',
    sector: 'sector', method: 'method', mutual: 'mutual', exclude_partners: 'exclude-partners',
    order: 'order', exponent: 'method', profile: 'statement-heading', shortlist: 'shortlist-heading',
  };

  function controlLabel(id) {
    if (id === 'order') return 'Criteria order';
    if (id === 'statement-heading') return 'Describe your body';
    if (id === 'shortlist-heading') return 'Shortlist';
    const label = document.querySelector('label[for="' + id + '"]');
    return label ? label.textContent.trim() : id;
  }

  function showError(e) {
    const box = $('error');
    clear(box);
    const body = (e && e.body) || {};
    let message = (e && e.message) || 'something went wrong';
    const control = body.parameter && CONTROLS[body.parameter];
    if (control) {
      // Name the control, not the query parameter: "Within (km) must be ...".
      const label = controlLabel(control);
      message = message.replace(new RegExp('\\b' + body.parameter + '\\b', 'g'), '\u201c' + label + '\u201d');
      box.appendChild(el('p', {}, message.charAt(0).toUpperCase() + message.slice(1) + '.'));
      const go = el('button', { type: 'button', class: 'secondary-button' }, 'Go to \u201c' + label + '\u201d');
      go.addEventListener('click', () => {
        const target = control === 'order' ? document.querySelector('#order button') : $(control);
        if (target) target.focus();
      });
      // A statement's problems come with a fix in the statement's own words (its fields).
      if (body.parameter === 'profile' && body.help) box.appendChild(el('p', {}, body.help));
      box.appendChild(go);
    } else {
      box.appendChild(el('p', {}, message));
      // Help written for the API (parameter=value) means nothing on the page.
      if (body.help && !body.help.includes('=')) box.appendChild(el('p', {}, body.help));
    }
    if (Array.isArray(body.closest) && body.closest.length) {
      const list = el('ul', { class: 'closest', 'aria-label': 'Closest bodies' });
      for (const b of body.closest) {
        const li = el('li');
        const button = el('button', { type: 'button', class: 'secondary-button' }, b.name + ' (' + b.id + ')');
        button.addEventListener('click', () => choose(b));
        li.appendChild(button);
        list.appendChild(li);
      }
      box.appendChild(list);
    }
    box.hidden = false;
  }

  async function update() {
    if (!state.body && state.pendingProfile === null) return;
    const mine = ++serial;
    const q = rankQuery();
    // Busy until the answer to the latest request is shown (older answers are dropped).
    $('results').setAttribute('aria-busy', 'true');
    $('status').textContent = 'Ranking…';
    let view;
    try {
      view = await getJSON('/api/view?' + q);
    } catch (e) {
      if (mine !== serial) return;
      if (state.pendingProfile !== null) {
        // A statement that cannot be read is dropped; the panel keeps what it had.
        if (state.loadingName && e.body && e.body.parameter === 'profile') {
          e.message = 'the file ' + state.loadingName + ' cannot be used: ' + e.message;
        }
        state.pendingProfile = null;
        state.pendingWithoutBody = false;
        state.loadingName = '';
        if (state.body) state.fillPanel = false;
      }
      $('status').textContent = 'The ranking could not be updated.';
      showError(e);
      $('results').setAttribute('aria-busy', 'false');
      return;
    }
    if (mine !== serial) return;
    $('error').hidden = true;
    state.body = view.subject.id;
    const again = state.fillPanel || state.pendingProfile !== null ? fillPanel(view) : false;
    render(view, rankQuery());
    history.replaceState(null, '', '?' + rankQuery() + location.hash);
    $('results').setAttribute('aria-busy', 'false');
    // A statement read from the address or a file is now the panel's own: rank with that.
    if (again) update();
  }

  function render(view, q) {
    const doc = view.ranking;
    const n = doc.candidates.length;
    $('result').hidden = false;
    $('result-heading').textContent = 'Partners for ' + view.subject.name;
    if (document.activeElement !== $('search')) $('search').value = view.subject.name;
    const summary = 'Top ' + n + ' of ' + doc.n_eligible + ' eligible bodies. Score: ' + view.mutual +
      '. Weights: ' + view.method + '.' +
      (view.own_order ? ' This body has its own criteria order in its profile, so the order here changes only the other bodies\u2019 view.' : '');
    $('result-summary').textContent = summary;
    const download = new URLSearchParams(q);
    download.set('format', 'xlsx');
    $('download-xlsx').setAttribute('href', '/api/rank?' + download);
    download.set('format', 'csv');
    $('download-csv').setAttribute('href', '/api/rank?' + download);
    download.set('format', 'json');
    $('download-json').setAttribute('href', '/api/rank?' + download);
    const profile = new URLSearchParams(q);
    $('statement-download').setAttribute('href', '/api/profile?' + profile);
    drawMap(view.map);
    drawTable(view, doc);
    drawWeights(view);
    state.view = view;
    drawShortlist();
    const neutral = view.neutral_for_all.map((c) => criterionInfo.get(c).label);
    $('neutral-note').textContent = neutral.length
      ? 'No candidate has data for ' + neutral.join(', ') + ': these count as 0 (no data: missing data never counts in a body\'s favour) for everyone and do not change the order.'
      : '';
    $('status').textContent = n
      ? 'Showing ' + n + ' partners for ' + view.subject.name + '; first: ' + doc.candidates[0].name + '.'
      : 'No candidate passes the filters for ' + view.subject.name + '.';
  }

  function drawTable(view, doc) {
    $('ranking-caption').textContent = 'The top ' + doc.candidates.length + ' partners for ' +
      view.subject.name + ', best first. The bar shows what makes up ' + view.subject.name + '\u2019s view of each.';
    const tbody = $('ranking').tBodies[0];
    clear(tbody);
    for (const c of doc.candidates) {
      const tr = el('tr', { 'data-id': c.id });
      tr.appendChild(el('td', { class: 'num' }, c.rank));
      const th = el('th', { scope: 'row' }, c.name);
      if (c.region) {
        th.appendChild(el('br'));
        th.appendChild(el('span', { class: 'secondary' }, c.region));
      }
      tr.appendChild(th);
      tr.appendChild(el('td', {}, kindLabels.get(c.kind) || c.kind || ''));
      tr.appendChild(el('td', { class: 'num' }, km(c.distance_km)));
      tr.appendChild(el('td', { class: 'num' }, c.score.toFixed(3)));
      const bar = el('td');
      bar.appendChild(stackedBar(c.forward.criteria, 160));
      bar.appendChild(el('span', { class: 'secondary' }, 'view ' + c.forward.score.toFixed(3)));
      tr.appendChild(bar);
      const reasons = el('td');
      const ul = el('ul', { class: 'reasons' });
      for (const r of c.reasons) ul.appendChild(el('li', {}, r));
      reasons.appendChild(ul);
      tr.appendChild(reasons);
      const pick = el('td', { class: 'pick' });
      const box = el('input', { type: 'checkbox', 'data-id': c.id, 'aria-label': 'Shortlist ' + c.name });
      box.checked = shortlist.has(c.id);
      box.addEventListener('change', () => {
        if (box.checked) shortlist.set(c.id, c.name);
        else shortlist.delete(c.id);
        saveShortlist();
        drawShortlist();
        announce((box.checked ? 'Added ' : 'Removed ') + c.name + (box.checked ? ' to' : ' from') + ' the shortlist');
      });
      pick.appendChild(box);
      tr.appendChild(pick);
      tbody.appendChild(tr);
    }
  }

  // ---- shortlist and comparison ------------------------------------------------------------

  // The shortlist lives in the address's fragment (#shortlist=ID,ID), which the API never sees,
  // so that a reload, a bookmark or a link keeps it. Ids to names, in the order ticked.
  const shortlist = new Map(
    (new URLSearchParams(location.hash.slice(1)).get('shortlist') || '')
      .split(',').filter(Boolean).map((id) => [id, id]));

  function saveShortlist() {
    const fragment = shortlist.size ? '#shortlist=' + Array.from(shortlist.keys()).map(encodeURIComponent).join(',') : '';
    history.replaceState(null, '', location.pathname + location.search + fragment);
  }

  function shortlisted() {
    const candidates = state.view ? state.view.ranking.candidates : [];
    return Array.from(shortlist.keys()).map((id) => candidates.find((c) => c.id === id) || { id, missing: true });
  }

  function drawShortlist() {
    const list = $('shortlist');
    clear(list);
    const picked = shortlisted();
    for (const c of picked) {
      if (!c.missing) shortlist.set(c.id, c.name);
      const li = el('li', { 'data-id': c.id }, c.missing ? shortlist.get(c.id) + ' (not in the current ranking)' : c.rank + '. ' + c.name);
      const remove = el('button', { type: 'button', class: 'secondary-button', 'aria-label': 'Remove ' + (c.name || c.id) + ' from the shortlist' }, 'Remove');
      remove.addEventListener('click', () => {
        shortlist.delete(c.id);
        saveShortlist();
        const box = document.querySelector('#ranking input[data-id="' + c.id + '"]');
        if (box) box.checked = false;
        drawShortlist();
        $('shortlist-heading').focus();
      });
      li.appendChild(document.createTextNode(' '));
      li.appendChild(remove);
      list.appendChild(li);
    }
    $('shortlist-empty').hidden = picked.length > 0;
    const comparable = picked.filter((c) => !c.missing);
    const button = $('compare-button');
    button.disabled = comparable.length < 2;
    $('print-shortlist').disabled = comparable.length < 1;
    const report = $('shortlist-report');
    report.hidden = comparable.length < 1 || !state.body;
    if (!report.hidden) {
      const q = rankQuery();
      q.set('shortlist', comparable.map((c) => c.id).join(','));
      report.setAttribute('href', '/api/report?' + q);
    }
    $('compare-hint').textContent = comparable.length < 2
      ? 'Tick two to four partners to compare them side by side.'
      : comparable.length > 4 ? 'The first four shortlisted are compared.' : '';
    if (!$('compare').hidden) drawComparison();
  }

  function drawComparison() {
    const view = state.view;
    const picked = shortlisted().filter((c) => !c.missing).slice(0, 4);
    const table = $('compare');
    if (!view || picked.length < 2) {
      table.hidden = true;
      return;
    }
    const subject = view.subject.short_name || view.subject.name;
    $('compare-caption').textContent = 'The shortlist side by side. Each criterion shows both directions: how well the partner suits ' +
      subject + ', then how well ' + subject + ' suits the partner (0 to 1).';
    const head = table.tHead;
    clear(head);
    const hr = el('tr');
    hr.appendChild(el('th', { scope: 'col' }, 'Criterion'));
    for (const c of picked) hr.appendChild(el('th', { scope: 'col', 'data-id': c.id }, c.rank + '. ' + c.name));
    head.appendChild(hr);
    const body = table.tBodies[0];
    clear(body);
    const row = (label, cells) => {
      const tr = el('tr');
      tr.appendChild(el('th', { scope: 'row' }, label));
      for (const text of cells) tr.appendChild(el('td', {}, text));
      body.appendChild(tr);
    };
    row('Score (both sides)', picked.map((c) => c.score.toFixed(3)));
    row('Distance', picked.map((c) => km(c.distance_km)));
    row('How well it suits ' + subject, picked.map((c) => c.forward.score.toFixed(3)));
    row('How well ' + subject + ' suits it', picked.map((c) => c.backward.score.toFixed(3)));
    for (const w of view.weights) {
      const i = state.meta.criteria.findIndex((m) => m.name === w.criterion);
      row(w.label, picked.map((c) => {
        const f = c.forward.criteria[i];
        const b = c.backward.criteria[i];
        const text = (x) => x.neutral ? 'no data' : x.value.toFixed(2);
        return 'for ' + subject + ': ' + text(f) + '; for it: ' + text(b);
      }));
    }
    row('Stands out for', picked.map((c) => c.reasons.join('; ')));
    table.hidden = false;
  }

  function stackedBar(criteria, width) {
    const s = svgEl('svg', { class: 'stack', width, height: 14, viewBox: '0 0 ' + width + ' 14', 'aria-hidden': 'true' });
    s.appendChild(svgEl('rect', { x: 0, y: 0, width, height: 14, fill: '#f3f2f1' }));
    let x = 0;
    for (const c of criteria) {
      const w = Math.max(0, c.contribution * width);
      const info = criterionInfo.get(c.criterion);
      const rect = svgEl('rect', { x: x.toFixed(2), y: 0, width: w.toFixed(2), height: 14, fill: info.colour, 'fill-opacity': c.neutral ? 0.35 : 1 });
      rect.appendChild(svgEl('title', {}, info.label + ': ' + c.contribution.toFixed(3)));
      s.appendChild(rect);
      x += w;
    }
    return s;
  }

  function drawWeights(view) {
    $('weights-caption').textContent = 'Weights of ' + view.subject.name + ', in the order they come from (' + view.method + ')';
    const tbody = $('weights').tBodies[0];
    clear(tbody);
    for (const w of view.weights) {
      const tr = el('tr');
      tr.appendChild(el('td', { class: 'num' }, w.position));
      const th = el('th', { scope: 'row' });
      th.appendChild(swatch(criterionInfo.get(w.criterion).colour));
      th.appendChild(document.createTextNode(' ' + w.label));
      tr.appendChild(th);
      tr.appendChild(el('td', { class: 'num' }, w.weight.toFixed(3)));
      tbody.appendChild(tr);
    }
    for (const w of view.weights) {
      const span = document.querySelector('[data-weight-for="' + w.criterion + '"]');
      if (span) span.textContent = w.weight.toFixed(3);
    }
  }

  function starPath(x, y, r) {
    let d = '';
    for (let i = 0; i < 10; i++) {
      const radius = i % 2 === 0 ? r : r * 0.45;
      const a = Math.PI * i / 5 - Math.PI / 2;
      d += (i === 0 ? 'M' : 'L') + (x + radius * Math.cos(a)).toFixed(1) + ',' + (y + radius * Math.sin(a)).toFixed(1);
    }
    return d + 'Z';
  }

  function drawMap(map) {
    const root = $('map');
    root.setAttribute('viewBox', '0 0 ' + map.width + ' ' + map.height);
    root.setAttribute('data-subject', map.subject.id);
    root.setAttribute('data-candidates', map.candidates.map((c) => c.id).join(','));
    for (const node of Array.from(root.childNodes)) {
      if (node.id !== 'map-title' && node.id !== 'map-desc') root.removeChild(node);
    }
    $('map-title').textContent = map.title;
    $('map-desc').textContent = map.description;
    root.appendChild(svgEl('rect', { class: 'sea', x: 0, y: 0, width: map.width, height: map.height }));
    const countries = svgEl('g', { class: 'countries', 'aria-hidden': 'true' });
    for (const d of map.countries) countries.appendChild(svgEl('path', { d }));
    root.appendChild(countries);
    const areas = svgEl('g', { class: 'areas', 'aria-hidden': 'true' });
    for (const a of map.areas) {
      const attrs = { d: a.d, class: a.role === 'other' ? 'area' : 'area ' + a.role };
      if (a.role !== 'other') {
        attrs['fill-opacity'] = a.opacity;
        attrs['data-code'] = a.code;
      }
      if (a.rank) attrs['data-rank'] = a.rank;
      areas.appendChild(svgEl('path', attrs));
    }
    root.appendChild(areas);
    const background = svgEl('g', { class: 'background', 'aria-hidden': 'true' });
    for (const p of map.background) background.appendChild(svgEl('circle', { cx: p[0], cy: p[1], r: 1.8 }));
    root.appendChild(background);
    const s = map.subject;
    const lines = svgEl('g', { class: 'lines', 'aria-hidden': 'true' });
    for (const c of map.candidates) lines.appendChild(svgEl('line', { x1: s.x, y1: s.y, x2: c.x, y2: c.y }));
    root.appendChild(lines);
    for (const c of map.candidates.slice().reverse()) {
      const g = svgEl('g', { class: 'candidate', 'data-id': c.id });
      g.appendChild(svgEl('title', {}, c.title));
      g.appendChild(svgEl('circle', { cx: c.x, cy: c.y, r: 10 }));
      g.appendChild(svgEl('text', { x: c.x, y: c.y, dy: '0.35em', 'text-anchor': 'middle' }, c.rank));
      root.appendChild(g);
    }
    const subject = svgEl('g', { class: 'subject' });
    subject.appendChild(svgEl('title', {}, s.title));
    subject.appendChild(svgEl('path', { d: starPath(s.x, s.y, 12) }));
    const right = s.x > map.width * 0.65;
    subject.appendChild(svgEl('text', { class: 'label', x: right ? s.x - 14 : s.x + 14, y: s.y, dy: '0.35em', 'text-anchor': right ? 'end' : 'start' }, s.name));
    root.appendChild(subject);
    const bar = map.scale_bar;
    const scale = svgEl('g', { class: 'scale', 'aria-hidden': 'true' });
    scale.appendChild(svgEl('line', { x1: bar.x, y1: bar.y, x2: bar.x + bar.length, y2: bar.y }));
    scale.appendChild(svgEl('line', { x1: bar.x, y1: bar.y - 5, x2: bar.x, y2: bar.y }));
    scale.appendChild(svgEl('line', { x1: bar.x + bar.length, y1: bar.y - 5, x2: bar.x + bar.length, y2: bar.y }));
    scale.appendChild(svgEl('text', { x: bar.x, y: bar.y - 8 }, bar.label));
    root.appendChild(scale);
    root.appendChild(svgEl('text', { class: 'north', x: map.width - 14, y: 22, 'text-anchor': 'end', 'aria-hidden': 'true' }, 'N \u2191'));
    if (map.attribution) {
      root.appendChild(svgEl('text', { class: 'attribution', x: map.width - 6, y: map.height - 6, 'text-anchor': 'end' }, map.attribution));
    }
    const key = $('map-key');
    clear(key);
    for (const c of map.candidates) {
      const li = el('li', { value: c.rank });
      li.appendChild(el('span', { class: 'key-number', 'aria-hidden': 'true' }, c.rank));
      li.appendChild(document.createTextNode(' ' + c.name));
      key.appendChild(li);
    }

    const inset = $('inset');
    clear(inset);
    if (!map.inset) {
      inset.setAttribute('hidden', '');
      return;
    }
    inset.removeAttribute('hidden');
    const i = map.inset;
    inset.setAttribute('viewBox', '0 0 ' + i.width + ' ' + i.height);
    const dots = svgEl('g', { class: 'inset-dots' });
    for (const p of i.dots) dots.appendChild(svgEl('circle', { cx: p[0], cy: p[1], r: 1.1 }));
    inset.appendChild(dots);
    inset.appendChild(svgEl('rect', { class: 'frame', x: i.frame.x, y: i.frame.y, width: i.frame.width, height: i.frame.height }));
    inset.appendChild(svgEl('circle', { class: 'inset-subject', cx: i.subject[0], cy: i.subject[1], r: 2.5 }));
  }

  function drawLegend() {
    const legend = $('legend');
    clear(legend);
    for (const c of state.meta.criteria) {
      const li = el('li');
      li.appendChild(swatch(c.colour));
      li.appendChild(document.createTextNode(c.label));
      legend.appendChild(li);
    }
    legend.appendChild(el('li', {}, 'faded: no data (counted as 0)'));
  }

  // ---- start ----------------------------------------------------------------------------

  async function start() {
    let meta;
    try {
      meta = await getJSON('/api/meta');
    } catch (e) {
      showError(e);
      return;
    }
    state.meta = meta;
    state.defaultOrder = meta.order.flat();
    state.order = state.defaultOrder.slice();
    criterionInfo = new Map(meta.criteria.map((c) => [c.name, c]));
    kindLabels = new Map(meta.kinds.map((k) => [k.name, k.label]));
    $('dataset-note').textContent = 'Data: ' + meta.dataset + ' (' + meta.n_bodies + ' bodies).';
    fillSelect($('method'), meta.methods, (m) => m.name, (m) => m.label + (m.citation ? ' (' + m.citation + ')' : ''));
    fillSelect($('mutual'), meta.mutual, (m) => m.name, (m) => m.label);
    fillSelect($('service'), meta.services, (s) => s.name, (s) => s.label);
    fillSelect($('sector'), meta.sectors, (s) => s.name, (s) => s.label);
    fillSelect($('region'), meta.regions, (r) => r, (r) => r);
    $('top').max = meta.max_top;
    buildPanel(meta);
    const body = readLocation();
    syncControls();
    renderOrder();
    drawLegend();

    const input = $('search');
    input.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => search(input.value), 120);
    });
    input.addEventListener('keydown', (e) => {
      const list = $('search-results');
      const first = list.querySelector('button');
      if (e.key === 'ArrowDown' && first) {
        e.preventDefault();
        first.focus();
      } else if (e.key === 'Enter' && first) {
        e.preventDefault();
        first.click();
      } else if (e.key === 'Escape') {
        hideResults();
      }
    });
    $('order-reset').addEventListener('click', () => {
      state.order = state.defaultOrder.slice();
      renderOrder();
      announce('Criteria order reset to the survey order');
      update();
    });
    const bind = (id, key, event, read) => {
      $(id).addEventListener(event, () => {
        state[key] = read($(id));
        update();
      });
    };
    bind('method', 'method', 'change', (e) => e.value);
    bind('mutual', 'mutual', 'change', (e) => e.value);
    bind('service', 'service', 'change', (e) => e.value);
    bind('sector', 'sector', 'change', (e) => e.value);
    bind('region', 'region', 'change', (e) => e.value);
    bind('within-area', 'withinArea', 'change', (e) => e.value.trim());
    bind('within-km', 'withinKm', 'change', (e) => e.value.trim());
    bind('top', 'top', 'change', (e) => e.value.trim());
    bind('exclude-partners', 'excludePartners', 'change', (e) => e.checked);
    // The shortlist as a printed (or saved as PDF) report: the ranking's heading and settings,
    // the map, the shortlist and its comparison, nothing else.
    $('print-shortlist').addEventListener('click', () => {
      $('compare').hidden = false;
      drawComparison();
      document.body.classList.add('print-shortlist');
      window.print();
    });
    window.addEventListener('afterprint', () => document.body.classList.remove('print-shortlist'));
    $('compare-button').addEventListener('click', () => {
      $('compare').hidden = false;
      drawComparison();
      $('compare').focus();
    });

    if (body) {
      state.body = body;
      input.value = body;
      update();
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
