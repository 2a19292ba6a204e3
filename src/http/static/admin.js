// The admin pages' few scripts (the CSP allows this file and no inline script): copy buttons, the redirect URI
// following a new provider's identifier, and "Check provider" without leaving the page. Every page works without it.
'use strict';

for (const button of document.querySelectorAll('button[data-copy]')) {
  const source = document.getElementById(button.dataset.copy);
  if (!source) continue;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = 'Copied';
    } catch {
      // No clipboard (an insecure context, a denied permission): select it for Ctrl+C instead.
      getSelection().selectAllChildren(source);
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => {
      button.textContent = label;
    }, 2500);
  });
}

const idInput = document.querySelector('input[data-redirect-id]');
const redirect = document.getElementById('redirect-uri');
if (idInput && redirect) {
  const follow = () => {
    redirect.textContent = redirect.dataset.prefix + encodeURIComponent(idInput.value.trim() || '{identifier}');
  };
  idInput.addEventListener('input', follow);
}

const check = document.querySelector('button[data-check]');
const result = document.getElementById('check-result');
if (check && result) {
  const form = check.form;
  // Enter in a field saves the form: only a click (or Space/Enter on the button itself) checks.
  check.type = 'button';
  check.addEventListener('click', async () => {
    const method = form.querySelector('input[name="token_endpoint_auth_method"]:checked');
    const body = new URLSearchParams({
      _csrf: form.elements._csrf.value,
      action: 'check',
      issuer: form.elements.issuer.value,
      token_endpoint_auth_method: method ? method.value : '',
    });
    if (form.elements.id) body.set('id', form.elements.id.value);
    check.disabled = true;
    result.replaceChildren(paragraph('', 'Checking the provider …'));
    try {
      // The buttons are named "action", which hides form.action: read the attribute.
      const response = await fetch(form.getAttribute('action'), {
        method: 'POST',
        body,
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!response.ok) throw new Error(String(response.status));
      const found = await response.json();
      const shown = [paragraph(found.ok ? 'ok' : 'error', found.message, found.ok ? 'Found it.' : 'Not usable yet.')];
      if (found.ok && found.notes.length > 0) {
        const list = document.createElement('ul');
        for (const note of found.notes) list.append(Object.assign(document.createElement('li'), { textContent: note }));
        shown.push(list);
      }
      result.replaceChildren(...shown);
    } catch {
      result.replaceChildren(paragraph('error', 'The check did not finish: reload the page and try again.'));
    } finally {
      check.disabled = false;
    }
  });
}

function paragraph(className, text, lead) {
  const p = document.createElement('p');
  if (className) p.className = className;
  if (lead) p.append(Object.assign(document.createElement('strong'), { textContent: lead }), ' ');
  p.append(text);
  return p;
}
