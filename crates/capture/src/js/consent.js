// Dismisses cookie and consent banners by refusing what is optional, the
// way a careful visitor would, so that captures show the page itself.
// Runs in every frame from the start of each document; rules for the
// common consent managers first, then a cautious generic rule (a fixed
// banner that talks about cookies and offers a reject button).
(() => {
  if (window.__critboardConsent) return;
  window.__critboardConsent = true;
  const rules = [
    { name: 'OneTrust', present: '#onetrust-banner-sdk, #onetrust-consent-sdk', reject: ['#onetrust-reject-all-handler', '.ot-pc-refuse-all-handler'], hide: ['#onetrust-consent-sdk'] },
    { name: 'Cookiebot', present: '#CybotCookiebotDialog', reject: ['#CybotCookiebotDialogBodyButtonDecline', '#CybotCookiebotDialogBodyLevelButtonLevelOptinDeclineAll'], hide: ['#CybotCookiebotDialog', '#CybotCookiebotDialogBodyUnderlay'] },
    { name: 'Didomi', present: '#didomi-host, #didomi-notice', reject: ['#didomi-notice-disagree-button', '.didomi-continue-without-agreeing'], hide: ['#didomi-host'] },
    { name: 'Quantcast', present: '.qc-cmp2-container', reject: ['.qc-cmp2-summary-buttons button[mode="secondary"]'], hide: ['.qc-cmp2-container'] },
    { name: 'TrustArc', present: '#truste-consent-track, #truste-consent-content', reject: ['#truste-consent-required'], hide: ['#truste-consent-track', '.truste_overlay', '.truste_box_overlay'] },
    { name: 'Usercentrics', present: '#usercentrics-root, #usercentrics-cmp-ui', reject: [], hide: ['#usercentrics-root', '#usercentrics-cmp-ui'] },
    { name: 'cookieconsent (orestbida v2)', present: '#cc_div #cm', reject: ['#s-rall-bn', '#c-s-bn'], hide: ['#cc_div'] },
    { name: 'cookieconsent (orestbida v3)', present: '#cc-main .cm', reject: ['#cc-main [data-role="necessary"]'], hide: ['#cc-main'] },
    { name: 'Osano', present: '.osano-cm-dialog, .osano-cm-window', reject: ['.osano-cm-denyAll', '.osano-cm-deny'], hide: ['.osano-cm-window'] },
    { name: 'Complianz', present: '.cmplz-cookiebanner', reject: ['.cmplz-btn.cmplz-deny'], hide: ['.cmplz-cookiebanner', '#cmplz-cookiebanner-container'] },
    { name: 'CookieYes', present: '.cky-consent-container', reject: ['.cky-btn-reject'], hide: ['.cky-consent-container', '.cky-overlay'] },
    { name: 'Iubenda', present: '#iubenda-cs-banner', reject: ['.iubenda-cs-reject-btn'], hide: ['#iubenda-cs-banner'] },
    { name: 'Klaro', present: '.klaro .cookie-notice, .klaro .cookie-modal', reject: ['.klaro .cn-decline', '.klaro .cm-btn-decline'], hide: ['.klaro'] },
    { name: 'Borlabs', present: '#BorlabsCookieBox', reject: ['#BorlabsCookieBox a[data-cookie-refuse]'], hide: ['#BorlabsCookieBox', '#BorlabsCookieBoxWrap'] },
    { name: 'Termly', present: '#termly-code-snippet-support [class*="termly-styles"]', reject: ['[data-tid="banner-decline"]'], hide: ['#termly-code-snippet-support'] },
    { name: 'Google Funding Choices', present: '.fc-consent-root', reject: ['.fc-cta-do-not-consent'], hide: ['.fc-consent-root'] },
  ];
  const refuse = /^(reject|decline|refuse|deny|disagree|no,? thanks|only (strictly )?(necessary|essential|required)|(necessary|essential|required) (cookies )?only|use necessary cookies only|continue without (accepting|agreeing)|ablehnen|alle ablehnen|nur (notwendige|erforderliche)|refuser|tout refuser|rechazar|rifiuta|weigeren|alles weigeren)\b/i;
  const done = new Set();
  const unlock = () => {
    for (const el of [document.documentElement, document.body]) {
      if (el && getComputedStyle(el).overflow === 'hidden') el.style.setProperty('overflow', 'visible', 'important');
    }
  };
  const hide = (selectors) => {
    for (const sel of selectors) for (const el of document.querySelectorAll(sel)) el.style.setProperty('display', 'none', 'important');
    unlock();
  };
  const known = () => {
    for (const rule of rules) {
      if (done.has(rule.name) || !document.querySelector(rule.present)) continue;
      done.add(rule.name);
      const button = rule.reject.map((s) => document.querySelector(s)).find(Boolean);
      if (button) button.click();
      // Hidden either way: a click may only open a second dialog.
      setTimeout(() => hide(rule.hide), button ? 300 : 0);
    }
  };
  const generic = () => {
    if (done.has('generic') || !document.body) return;
    for (const el of document.body.querySelectorAll('div, section, aside, dialog, form')) {
      const style = getComputedStyle(el);
      if (style.position !== 'fixed' && style.position !== 'sticky') continue;
      if (!/cookie|consent|gdpr|datenschutz/i.test(el.textContent || '')) continue;
      const button = Array.from(el.querySelectorAll('button, a, [role="button"], input[type="button"]'))
        .find((b) => refuse.test((b.innerText || b.value || '').trim()));
      if (button) {
        done.add('generic');
        button.click();
        setTimeout(unlock, 300);
        return;
      }
    }
  };
  const run = () => { known(); generic(); };
  const observer = new MutationObserver(run);
  const start = () => {
    run();
    observer.observe(document.documentElement, { childList: true, subtree: true });
    // Banners come early; stop watching so the page is left alone after.
    setTimeout(() => observer.disconnect(), 15000);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
