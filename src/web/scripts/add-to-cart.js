// Add to cart, enhanced (src/modules/cart/pages/add-to-cart.tsx). Without this file the form posts to
// /cart/items and the browser lands on /cart. With it, the form posts JSON to /api/v1/cart/items (the same
// rules: the server prices the line), the header's count changes in place and a status line says so, with
// a link to the cart. On the product page it follows the variant picker's choice. Plain JavaScript, no build.
/* global document */
(function () {
  'use strict';

  var forms = document.querySelectorAll('form[data-add-to-cart]');
  if (forms.length === 0) return;

  function setCount(count) {
    var badges = document.querySelectorAll('.cart-count');
    for (var i = 0; i < badges.length; i++) badges[i].textContent = String(count);
    var words = document.querySelectorAll('.header-action--cart .visually-hidden');
    if (words.length > 1) words[words.length - 1].textContent = count === 1 ? 'item' : 'items';
    var menu = document.querySelectorAll('.header-menu__list--account a[href="/cart"]');
    for (var j = 0; j < menu.length; j++) menu[j].textContent = 'Cart (' + count + ')';
  }

  function say(form, text, isError, withLink) {
    var status = form.querySelector('[data-add-status]');
    if (!status) return;
    status.textContent = text;
    status.classList.toggle('add-to-cart__status--error', isError);
    if (withLink) {
      var link = document.createElement('a');
      link.href = '/cart';
      link.textContent = 'View cart';
      status.appendChild(document.createTextNode(' '));
      status.appendChild(link);
    }
  }

  // The variant picker (variant-picker.js) announces each choice: the form then adds that variant.
  document.addEventListener('variant-change', function (event) {
    var form = document.querySelector('form.add-to-cart[data-add-to-cart]');
    if (!form) return;
    var input = form.querySelector('[data-add-variant]');
    var button = form.querySelector('[data-add-button]');
    var chosen = event.detail;
    if (input && chosen) input.value = chosen.id;
    if (button) {
      button.disabled = !chosen || !chosen.forSale;
      button.textContent = !chosen ? 'Not available' : chosen.forSale ? 'Add to cart' : 'Sold out';
    }
    say(form, '', false, false);
  });

  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var quantity = data.get('quantity');
      var button = form.querySelector('button[type="submit"]');
      if (button) button.disabled = true;
      fetch('/api/v1/cart/items', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ variantId: data.get('variantId'), quantity: quantity === null || quantity === '' ? 1 : Number(quantity) }),
      })
        .then(function (res) {
          return res.json().then(function (body) {
            if (res.ok) {
              setCount(body.itemCount);
              say(form, 'Added to your cart.', false, true);
            } else {
              say(form, body.detail || 'This could not be added to your cart.', true, false);
            }
          });
        })
        .catch(function () {
          // The network or the script failed: the plain form still works.
          form.submit();
        })
        .then(function () {
          if (button) button.disabled = false;
        });
    });
  });
})();
