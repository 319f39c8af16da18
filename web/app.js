// The Lingua browser client (served by the scheduler, plain ES modules, no build step).
const status = document.getElementById('status');
status.textContent = 'ready';
status.dataset.state = 'ready';
