/**
 * WIDGET_SOURCE is the embeddable feedback widget, served as GET /v1/labs/widget.js:
 *
 *   <script src="https://vigil.example/v1/labs/widget.js" data-experiment="EXP_ID"
 *           data-user="USER_ID" async></script>
 *
 * Optional attributes: data-target (a CSS selector to render into; default: right after the
 * script tag), data-server (default: where the script came from), data-token (a feedback token
 * the product's backend got from POST …/feedback-token: the way to send feedback when the
 * server requires keys, without putting a key in the page), data-project and data-key (sent as
 * X-Vigil-Project and a Bearer key, for servers without auth or pages only staff see; both
 * make the browser ask CORS first, which the route answers). It renders into a shadow root so the page's CSS neither breaks it nor is
 * broken by it, and posts as text/plain so the common case needs no CORS preflight.
 * Plain ES5 so it runs on any page without a build.
 */
export const WIDGET_SOURCE = `(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var attr = function (n) { return script.getAttribute('data-' + n); };
  var exp = attr('experiment');
  var user = attr('user');
  if (!exp || !user) { if (window.console) console.warn('vigil labs widget: data-experiment and data-user are required'); return; }
  var base = attr('server') || new URL(script.src, location.href).origin;
  var host = document.createElement('div');
  host.className = 'vigil-labs-feedback';
  var target = attr('target') ? document.querySelector(attr('target')) : null;
  if (target) target.appendChild(host); else script.parentNode.insertBefore(host, script.nextSibling);
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  var radios = function (name, options) {
    return options.map(function (o) {
      return '<label><input type="radio" name="' + name + '" value="' + o[0] + '">' + o[1] + '</label>';
    }).join('');
  };
  root.innerHTML =
    '<style>form{font:13px system-ui,sans-serif;border:1px solid #d5d9e0;border-radius:6px;padding:8px 10px;max-width:360px;background:#fff;color:#1d2330}' +
    'fieldset{border:0;margin:0 0 6px;padding:0}legend{font-weight:600;padding:0;margin-bottom:2px}label{margin-right:8px;white-space:nowrap}' +
    'textarea{width:100%;box-sizing:border-box;min-height:40px;font:inherit}button{font:inherit;margin-top:4px}.s{color:#6b7385;margin-left:8px}</style>' +
    '<form><div style="font-weight:600;margin-bottom:4px">Tell us about this experimental feature</div>' +
    '<fieldset><legend>Speed</legend>' + radios('speed', [['too_slow', 'too slow'], ['ok', 'ok'], ['fast', 'fast']]) + '</fieldset>' +
    '<fieldset><legend>How important is it to you?</legend>' + radios('importance', [['1', '1'], ['2', '2'], ['3', '3'], ['4', '4'], ['5', '5']]) + '</fieldset>' +
    '<fieldset><legend>Useful?</legend>' + radios('useful', [['true', 'yes'], ['false', 'no']]) + '</fieldset>' +
    '<textarea name="comment" maxlength="2000" placeholder="Anything else? (optional)"></textarea>' +
    '<button type="submit">Send</button><span class="s" role="status"></span></form>';
  var form = root.querySelector('form');
  var status = root.querySelector('.s');
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var pick = function (n) { var el = form.querySelector('input[name="' + n + '"]:checked'); return el ? el.value : null; };
    var body = { user: user };
    if (pick('speed')) body.speed = pick('speed');
    if (pick('importance')) body.importance = Number(pick('importance'));
    if (pick('useful')) body.useful = pick('useful') === 'true';
    var comment = form.querySelector('textarea').value.trim();
    if (comment) body.comment = comment;
    if (Object.keys(body).length === 1) { status.textContent = 'pick an answer first'; return; }
    if (attr('token')) body.token = attr('token');
    var headers = { 'content-type': 'text/plain;charset=UTF-8' };
    if (attr('project')) headers['x-vigil-project'] = attr('project');
    if (attr('key')) headers.authorization = 'Bearer ' + attr('key');
    status.textContent = 'sending…';
    fetch(base + '/v1/labs/experiments/' + encodeURIComponent(exp) + '/feedback', {
      method: 'POST', headers: headers, body: JSON.stringify(body), credentials: 'omit'
    }).then(function (res) {
      status.textContent = res.ok ? 'thank you!' : 'could not send (' + res.status + ')';
      if (res.ok) form.querySelector('button').disabled = true;
    }, function () { status.textContent = 'could not send'; });
  });
})();
`;
