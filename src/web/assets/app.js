// The one thing the pages need a script for: copying a token to the clipboard.
'use strict';

function copyFrom(button) {
  const field = document.getElementById(button.dataset.copy);
  const status = button.closest('.secret').querySelector('.copy-status');
  const done = (message) => {
    status.textContent = message;
    button.textContent = message === 'Copied to the clipboard.' ? 'Copied' : 'Copy';
    setTimeout(() => {
      button.textContent = 'Copy';
    }, 2000);
  };
  field.select();
  const fallback = () => {
    const ok = document.execCommand && document.execCommand('copy');
    done(ok ? 'Copied to the clipboard.' : 'Press Ctrl+C (or ⌘C) to copy the selected token.');
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(() => done('Copied to the clipboard.'), fallback);
  } else {
    fallback();
  }
}

document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', () => copyFrom(button));
  }
});
