'use strict';
// The page never sees the auth tokens: they are HttpOnly cookies. It reads only the CSRF cookie,
// which it echoes in X-CSRF-Token on writes (double submit).
function csrfToken() {
  const match = document.cookie.split('; ').find(c => c.startsWith('__Host-csrf='));
  return match ? match.substring('__Host-csrf='.length) : '';
}
function show(text) { document.getElementById('status').textContent = text; }
async function whoAmI() {
  const res = await fetch('/api/me', { credentials: 'same-origin' });
  document.getElementById('who').textContent = res.ok ? (await res.json()).subject : 'nobody';
  return res.status;
}
document.getElementById('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const res = await fetch('/auth/login', {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: document.getElementById('username').value,
                           password: document.getElementById('password').value })
  });
  show('login: ' + res.status);
  await whoAmI();
});
document.getElementById('note').addEventListener('submit', async (e) => {
  e.preventDefault();
  const res = await fetch('/api/notes', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
    body: JSON.stringify({ text: document.getElementById('note-text').value })
  });
  show('note: ' + res.status);
});
document.getElementById('logout-button').addEventListener('click', async () => {
  const res = await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin',
                                            headers: { 'X-CSRF-Token': csrfToken() } });
  show('logout: ' + res.status);
  await whoAmI();
});
whoAmI();
