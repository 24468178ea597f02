// The admin's small amount of script: every page also works as a plain form without it.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  const csrf = () => document.body.dataset.csrf || '';
  const digitsOf = (text) => {
    const value = String(text || '')
      .replace(/[\u00a0\u202f]/g, ' ')
      .trim();
    if (/^\d+$/.test(value)) return value;
    if (/^\d{1,3}(\.\d{3})+$/.test(value) || /^\d{1,3}( \d{3})+$/.test(value))
      return value.replace(/[. ]/g, '');
    return value === '' ? '0' : null;
  };
  const group = (big) => big.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');

  function init(root) {
    // Selects that submit their form on change (fund switcher, consolidated switch).
    root.querySelectorAll('form[data-autosubmit]').forEach((form) => {
      form.addEventListener('change', () => (form.requestSubmit ? form.requestSubmit() : form.submit()));
    });
    // Dialogs asking for a reason: the button opens the dialog; Esc closes it (native).
    root.querySelectorAll('[data-open-dialog]').forEach((button) => {
      button.addEventListener('click', (event) => {
        const dialog = document.getElementById(button.dataset.openDialog);
        if (dialog && dialog.showModal) {
          event.preventDefault();
          dialog.showModal();
          const first = dialog.querySelector('textarea, input:not([type=hidden])');
          if (first) first.focus();
        }
      });
    });
    root.querySelectorAll('[data-close-dialog]').forEach((button) => {
      button.addEventListener('click', () => button.closest('dialog').close());
    });
    // The donor combobox: type to search, or create a donor inline.
    root.querySelectorAll('select[data-donor-combobox]').forEach((select) => {
      if (select.tomselect || !window.TomSelect) return;
      const label = document.querySelector('label[for="' + select.id + '"]');
      new window.TomSelect(select, {
        valueField: 'id',
        labelField: 'name',
        searchField: ['name', 'folded'],
        loadThrottle: 250,
        maxOptions: 30,
        create: select.dataset.canCreate === 'true' ? createDonor(select) : false,
        load: (query, callback) => {
          fetch((select.dataset.optionsUrl || '/admin/donors/options') + '?q=' + encodeURIComponent(query), {
            headers: { Accept: 'application/json' },
          })
            .then((r) => r.json())
            .then(callback, () => callback());
        },
        render: {
          option_create: (data, escape) =>
            '<div class="create">' +
            escape(select.dataset.createLabel || '+') +
            ' <strong>' +
            escape(data.input) +
            '</strong></div>',
          no_results: () => '<div class="no-results">' + (select.dataset.noResults || '') + '</div>',
        },
      });
      // Tom Select moves the label to its own input; the hidden select keeps a name for assistive technology.
      if (label) select.setAttribute('aria-label', label.textContent.trim());
    });
    // Charts: the data rides in a data attribute (no inline script under the CSP).
    root.querySelectorAll('canvas[data-chart]').forEach((canvas) => {
      if (!window.Chart || canvas.dataset.drawn) return;
      canvas.dataset.drawn = '1';
      const data = JSON.parse(canvas.dataset.chart);
      const toNumber = (list) => list.map((d) => Number(BigInt(d) / 1000000n)); // millions of đồng, for drawing only
      new window.Chart(canvas, {
        type: 'bar',
        data: {
          labels: data.labels,
          datasets: [
            {
              label: data.receiptsLabel + ' (tr. đ)',
              data: toNumber(data.receipts),
              backgroundColor: '#b02a37',
            },
            {
              label: data.disbursementsLabel + ' (tr. đ)',
              data: toNumber(data.disbursements),
              backgroundColor: '#6c757d',
            },
          ],
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false },
      });
    });
    root.querySelectorAll('[data-batch-grid]').forEach(batchGrid);
    root.querySelectorAll('[data-journal-lines]').forEach(journalLines);
  }

  function createDonor(select) {
    return (input, callback) => {
      const body = new URLSearchParams({
        name: input,
        kind: select.dataset.newKind || 'individual',
        _csrf: csrf(),
      });
      fetch('/admin/donors/quick', {
        method: 'POST',
        body,
        headers: { 'X-CSRF-Token': csrf(), Accept: 'application/json' },
      })
        .then((r) => (r.ok ? r.json() : Promise.reject(r)))
        .then(
          (donor) => callback(donor),
          () => callback(),
        );
    };
  }

  // The batch grid: a new empty row appears as soon as the last one is typed into; the running count and total
  // are compared with the control figures, and "Lưu" stays disabled while they differ (the server checks again).
  function batchGrid(form) {
    const body = form.querySelector('tbody');
    const template = form.querySelector('template');
    const expectedCount = form.querySelector('[name=expectedCount]');
    const expectedTotal = form.querySelector('[name=expectedTotal]');
    const save = form.querySelector('button[type=submit]');
    const status = form.querySelector('[data-figures]');
    const addRow = () => {
      body.appendChild(template.content.cloneNode(true));
      const rows = body.querySelectorAll('tr');
      const row = rows[rows.length - 1];
      row.querySelector('th').textContent = String(rows.length);
      row.querySelectorAll('input').forEach((input) => {
        input.setAttribute('aria-label', input.getAttribute('aria-label') + ' ' + rows.length);
      });
    };
    const update = () => {
      let count = 0;
      let total = 0n;
      let bad = false;
      body.querySelectorAll('tr').forEach((row) => {
        const name = row.querySelector('[name=memberName]').value.trim();
        const amount = digitsOf(row.querySelector('[name=memberAmount]').value);
        if (!name && (amount === '0' || amount === null)) return;
        count += 1;
        if (amount === null) bad = true;
        else total += BigInt(amount);
      });
      const wantCount = Number(expectedCount.value || 'NaN');
      const wantTotal = digitsOf(expectedTotal.value);
      const ok =
        !bad && count > 0 && count === wantCount && wantTotal !== null && total === BigInt(wantTotal);
      status.querySelector('[data-count]').textContent = String(count);
      status.querySelector('[data-total]').textContent = group(total) + ' đ';
      status.querySelector('[data-verdict]').textContent = ok ? status.dataset.ok : status.dataset.differ;
      status.querySelector('[data-verdict]').className = ok ? 'ok' : 'bad';
      save.disabled = !ok;
    };
    form.addEventListener('input', (event) => {
      const rows = body.querySelectorAll('tr');
      const last = rows[rows.length - 1];
      if (last && last.contains(event.target) && event.target.value.trim() !== '') addRow();
      update();
    });
    update();
  }

  // A manual entry: debit and credit totals, and "Ghi sổ" only when they agree.
  function journalLines(form) {
    const body = form.querySelector('tbody');
    const template = form.querySelector('template');
    const status = form.querySelector('[data-balance]');
    const save = form.querySelector('button[type=submit]');
    const update = () => {
      let debit = 0n;
      let credit = 0n;
      let bad = false;
      body.querySelectorAll('tr').forEach((row) => {
        const d = digitsOf(row.querySelector('[name=lineDebit]').value);
        const c = digitsOf(row.querySelector('[name=lineCredit]').value);
        if (d === null || c === null) bad = true;
        else {
          debit += BigInt(d);
          credit += BigInt(c);
        }
      });
      const ok = !bad && debit > 0n && debit === credit;
      status.querySelector('[data-debit]').textContent = group(debit) + ' đ';
      status.querySelector('[data-credit]').textContent = group(credit) + ' đ';
      status.querySelector('[data-verdict]').textContent = ok ? status.dataset.ok : status.dataset.differ;
      status.querySelector('[data-verdict]').className = ok ? 'ok' : 'bad';
      save.disabled = !ok;
    };
    form.querySelector('[data-add-line]').addEventListener('click', () => {
      body.appendChild(template.content.cloneNode(true));
      update();
    });
    form.addEventListener('input', update);
    update();
  }

  document.addEventListener('DOMContentLoaded', () => init(document));
  document.addEventListener('htmx:afterSwap', (event) => init(event.target));
  document.addEventListener('htmx:configRequest', (event) => {
    event.detail.headers['X-CSRF-Token'] = csrf();
  });
})();
