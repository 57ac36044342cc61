// Upload forms (form.portal-upload): checks the file's size before sending, and sends it with a
// progress bar. Without this script the form posts the same way and the server checks everything.
(function () {
  'use strict';

  function showError(form, message) {
    var input = form.querySelector('input[type=file]');
    var error = form.querySelector('.form-hint-invalid');
    if (!input || !error) return;
    error.textContent = message;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    var described = input.getAttribute('aria-describedby') || '';
    if (described.indexOf(error.id) === -1) {
      input.setAttribute('aria-describedby', (described + ' ' + error.id).trim());
    }
    input.focus();
  }

  function send(form, progressBox) {
    var bar = progressBox.querySelector('progress');
    var status = progressBox.querySelector('.portal-progress-status');
    var sending = form.getAttribute('data-sending') || '';
    var button = form.querySelector('button[type=submit]');
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.upload.addEventListener('progress', function (event) {
      if (!event.lengthComputable) return;
      var percent = Math.floor((event.loaded / event.total) * 100);
      bar.value = percent;
      status.textContent = sending.replace('{percent}', String(percent));
    });
    xhr.addEventListener('load', function () {
      // The server answers a success with a redirect (followed here) and a refusal with the page
      // and its message: either way, show what it answered.
      if (xhr.responseURL && xhr.responseURL !== form.action) {
        window.location.assign(xhr.responseURL);
        return;
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener('error', function () {
      progressBox.hidden = true;
      if (button) button.disabled = false;
      showError(form, form.getAttribute('data-failed') || '');
    });
    progressBox.hidden = false;
    if (button) button.disabled = true;
    xhr.send(new FormData(form));
  }

  document.querySelectorAll('form.portal-upload').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      var input = form.querySelector('input[type=file]');
      var max = Number(form.getAttribute('data-max-bytes'));
      var file = input && input.files && input.files[0];
      if (file && max && file.size > max) {
        event.preventDefault();
        showError(form, form.getAttribute('data-too-large') || '');
        return;
      }
      var progressBox = form.querySelector('.portal-progress');
      if (!file || !progressBox || !window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      send(form, progressBox);
    });
  });
})();
