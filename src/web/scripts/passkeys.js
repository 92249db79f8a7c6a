// Passkeys in the browser: the "Sign in with a passkey" button and the "Add a passkey" form
// (src/modules/auth/passkeys). It uses @simplewebauthn/browser's single-file build, served from /assets/
// just before this file (it defines globalThis.SimpleWebAuthnBrowser): both are our own hashed files, as
// the CSP (script-src 'self', nothing inline) requires. Plain JavaScript, no build step: the same file
// runs under `npm start`, the tests and the compiled release.
//
// The markup is hidden until this script shows it, and only if the browser can use passkeys; without
// JavaScript a <noscript> explains. The API answers JSON; where to go afterwards is the page's choice
// (data-next), so the back office can reuse the sign-in part with its own destination.
/* global document, location */
(function () {
  'use strict';

  var lib = globalThis.SimpleWebAuthnBrowser;
  var supported = lib !== undefined && lib.browserSupportsWebAuthn();

  /** POSTs JSON; resolves with the answer, or rejects with the problem's own words. */
  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (res.ok) return data;
          var error = new Error(typeof data.detail === 'string' ? data.detail : 'Something went wrong. Try again.');
          error.code = data.code;
          error.status = res.status;
          throw error;
        });
    });
  }

  /** Words for what the browser or the authenticator refused. */
  function browserMessage(error, cancelled) {
    if (error && error.name === 'NotAllowedError') return cancelled;
    if (error && error.name === 'InvalidStateError') return 'This device already has a passkey for your account. Use it to sign in, or choose another device.';
    if (error && error.code === 'AUTH_SIGN_IN_REQUIRED') return 'Your session has ended. Sign in again to add a passkey.';
    return error && error.message ? error.message : 'Something went wrong. Try again.';
  }

  /** Shows GOV.UK's error summary (optionally linking to a field) and moves focus to it. */
  function showError(box, message, fieldId) {
    var summary = box.querySelector('[data-passkey-error]');
    if (!summary) return;
    var item = summary.querySelector('[data-passkey-error-message]');
    item.textContent = '';
    if (fieldId) {
      var link = document.createElement('a');
      link.href = '#' + fieldId;
      link.textContent = message;
      item.appendChild(link);
    } else {
      item.textContent = message;
    }
    summary.hidden = false;
    summary.focus();
  }

  function hideError(box) {
    var summary = box.querySelector('[data-passkey-error]');
    if (summary) summary.hidden = true;
  }

  /** The inline error of a field (GOV.UK): message above the input, tied to it by aria-describedby. */
  function setFieldError(input, message) {
    var wrapper = input.closest('.field');
    var id = input.id + '-error';
    var existing = document.getElementById(id);
    if (existing) existing.remove();
    var described = (input.getAttribute('aria-describedby') || '').split(' ').filter(function (v) {
      return v && v !== id;
    });
    if (message) {
      var p = document.createElement('p');
      p.className = 'field__error';
      p.id = id;
      var hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = 'Error: ';
      p.appendChild(hidden);
      p.appendChild(document.createTextNode(message));
      wrapper.insertBefore(p, input);
      described.push(id);
      input.setAttribute('aria-invalid', 'true');
      wrapper.classList.add('field--error');
    } else {
      input.removeAttribute('aria-invalid');
      wrapper.classList.remove('field--error');
    }
    if (described.length > 0) input.setAttribute('aria-describedby', described.join(' '));
    else input.removeAttribute('aria-describedby');
  }

  function reveal(selector) {
    document.querySelectorAll(selector).forEach(function (el) {
      el.hidden = false;
    });
  }

  if (!supported) {
    reveal('[data-passkey-unsupported]');
    return;
  }

  // --- sign-in ---------------------------------------------------------------------------------------
  document.querySelectorAll('[data-passkey-sign-in]').forEach(function (box) {
    var button = box.querySelector('[data-passkey-sign-in-button]');
    box.hidden = false;
    button.addEventListener('click', function () {
      hideError(box);
      button.disabled = true;
      post('/api/v1/auth/passkeys/sign-in/options', {})
        .then(function (answer) {
          return lib.startAuthentication({ optionsJSON: answer.options });
        })
        .then(function (response) {
          return post('/api/v1/auth/passkeys/sign-in/verify', { response: response });
        })
        .then(function () {
          location.assign(box.getAttribute('data-next') || '/');
        })
        .catch(function (error) {
          button.disabled = false;
          showError(box, browserMessage(error, 'Signing in with a passkey was cancelled or timed out. Try again, or sign in with your password.'));
        });
    });
  });

  // --- autofill (conditional UI): the browser offers the site's passkeys in the e-mail field's list ---
  // Only where the page marks a field `autocomplete="... webauthn"` and the browser supports it; the
  // request waits quietly until a passkey is picked, and the button above still works (starting it
  // aborts this one). A challenge lasts five minutes, so a pick after that is refused and shown as such.
  var autofillField = document.querySelector('input[autocomplete$="webauthn"]');
  var autofillBox = document.querySelector('[data-passkey-sign-in]');
  if (autofillField && autofillBox && typeof lib.browserSupportsWebAuthnAutofill === 'function') {
    lib.browserSupportsWebAuthnAutofill().then(function (available) {
      if (!available) return;
      post('/api/v1/auth/passkeys/sign-in/options', {})
        .then(function (answer) {
          return lib.startAuthentication({ optionsJSON: answer.options, useBrowserAutofill: true });
        })
        .then(function (response) {
          return post('/api/v1/auth/passkeys/sign-in/verify', { response: response });
        })
        .then(function () {
          location.assign(autofillBox.getAttribute('data-next') || '/');
        })
        .catch(function (error) {
          // Aborted because the button started its own request: nothing to say.
          if (error && (error.name === 'AbortError' || error.code === 'ERROR_CEREMONY_ABORTED')) return;
          showError(autofillBox, browserMessage(error, 'Signing in with a passkey was cancelled or timed out. Try again, or sign in with your password.'));
        });
    });
  }

  // --- re-authentication with one of the account's passkeys ----------------------------------------
  document.querySelectorAll('[data-passkey-reauth]').forEach(function (box) {
    var button = box.querySelector('[data-passkey-reauth-button]');
    box.hidden = false;
    button.addEventListener('click', function () {
      hideError(box);
      button.disabled = true;
      post('/api/v1/auth/passkeys/reauthenticate/options', {})
        .then(function (answer) {
          return lib.startAuthentication({ optionsJSON: answer.options });
        })
        .then(function (response) {
          return post('/api/v1/auth/passkeys/reauthenticate/verify', { response: response });
        })
        .then(function () {
          location.assign(box.getAttribute('data-next') || '/account');
        })
        .catch(function (error) {
          button.disabled = false;
          showError(box, browserMessage(error, 'Confirming with a passkey was cancelled or timed out. Try again, or use your password.'));
        });
    });
  });

  // --- adding a passkey ------------------------------------------------------------------------------
  document.querySelectorAll('[data-passkey-register]').forEach(function (form) {
    var box = form.closest('[data-passkey-register-box]');
    var page = document.querySelector('main') || document.body;
    var input = form.querySelector('input[name="passkeyName"]');
    var button = form.querySelector('button[type="submit"]');
    if (box) box.hidden = false;
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      hideError(page);
      var name = input.value.trim();
      if (name === '') {
        setFieldError(input, 'Enter a name for the passkey');
        showError(page, 'Enter a name for the passkey', input.id);
        return;
      }
      setFieldError(input, undefined);
      button.disabled = true;
      post('/api/v1/auth/passkeys/registration/options', {})
        .then(function (answer) {
          return lib.startRegistration({ optionsJSON: answer.options });
        })
        .then(function (response) {
          return post('/api/v1/auth/passkeys/registration/verify', { name: name, response: response });
        })
        .then(function () {
          location.assign(form.getAttribute('data-next') || location.pathname);
        })
        .catch(function (error) {
          button.disabled = false;
          if (error && error.code === 'AUTH_PASSKEY_NAME_INVALID') {
            setFieldError(input, error.message);
            showError(page, error.message, input.id);
            return;
          }
          showError(page, browserMessage(error, 'Adding the passkey was cancelled or timed out. Try again when you are ready.'));
        });
    });
  });
})();
