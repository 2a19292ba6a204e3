// Runs the passkey ceremonies of the Authentication Service's pages (a file, since the CSP allows no inline script):
// fetch the options, let the browser create or use a passkey, post its answer with the page's form.
(() => {
  const form = document.getElementById('passkey-form');
  const webauthn = window.SimpleWebAuthnBrowser;
  if (!form || !webauthn) return;
  const status = document.getElementById('passkey-status');
  const button = document.getElementById('passkey-button');
  const say = (text) => {
    if (status) status.textContent = text;
  };
  if (!webauthn.browserSupportsWebAuthn()) {
    say('This browser cannot use passkeys.');
    if (button) button.disabled = true;
    return;
  }
  const options = async () => {
    const body = new URLSearchParams({ _csrf: form.elements._csrf.value });
    const res = await fetch(form.dataset.options, {
      method: 'POST',
      body,
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(json.error || 'The passkey sign-in could not start. Reload the page.');
    return json.options;
  };
  const run = async (autofill) => {
    try {
      const optionsJSON = await options();
      const response =
        form.dataset.mode === 'enrol'
          ? await webauthn.startRegistration({ optionsJSON })
          : await webauthn.startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
      form.elements.response.value = JSON.stringify(response);
      say('Checking your passkey…');
      form.submit();
    } catch (error) {
      // A new ceremony (the button) aborts the waiting autofill one: nothing to say then.
      if (error && error.name === 'AbortError') return;
      if (!autofill) say(error && error.name === 'NotAllowedError' ? 'The passkey was not used. Try again.' : error.message);
    }
  };
  if (button) button.addEventListener('click', () => run(false));
  if (form.dataset.autofill === 'on')
    webauthn.browserSupportsWebAuthnAutofill().then((yes) => {
      if (yes) run(true);
    });
})();
