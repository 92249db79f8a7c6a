// Mounts Stripe's Payment Element on /pay/stripe/:paymentId and confirms the PaymentIntent. Stripe.js
// (https://js.stripe.com/v3/, loaded before this file) handles card entry and 3-D Secure in its own
// frames; the card never touches this page. Settings come from the form's data attributes (no inline
// script under the CSP). After confirmation Stripe sends the shopper to the return URL, where the shop
// asks Stripe itself for the outcome.
// @payment-page (stripe) the Stripe payment step runs it (script inventory, docs/security.md)
/* global document, window */
(function () {
  'use strict';
  var form = document.getElementById('stripe-payment');
  if (!form || typeof window.Stripe !== 'function') return;
  var stripe = window.Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  var container = document.getElementById('payment-element');
  container.textContent = '';
  elements.create('payment').mount(container);
  var message = document.getElementById('payment-message');
  var submit = document.getElementById('payment-submit');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    submit.disabled = true;
    message.hidden = true;
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } }).then(function (result) {
      // Only reached when the confirmation failed at once (a decline, a field left empty).
      if (result.error) {
        message.textContent = result.error.message || 'The payment did not go through. Check the details and try again.';
        message.hidden = false;
        submit.disabled = false;
      }
    });
  });
})();
