// Prepares a loaded page for a full-page capture: scrolls down one screen
// at a time so that lazy images and scroll-triggered content load (a jump
// to the bottom would skip IntersectionObserver content), makes lazy
// images eager, waits for fonts and images, then returns to the top.
// Every wait is capped: the page must not hold the capture hostage.
async function settle(opts) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const capped = (p, ms) => Promise.race([p, sleep(ms)]);
  const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const root = document.scrollingElement || document.documentElement;
  const started = Date.now();
  const spent = () => Date.now() - started;
  const loaded = (img) => img.complete || !img.currentSrc && !img.src;
  const inView = (img) => {
    const r = img.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight && r.width > 0 && r.height > 0;
  };
  const waitImages = async (filter, ms) => {
    const pending = Array.from(document.images).filter((i) => filter(i) && !loaded(i));
    await capped(Promise.all(pending.map((i) => i.decode().catch(() => {}))), ms);
  };
  for (const img of document.querySelectorAll('img[loading="lazy"]')) img.loading = 'eager';
  // Smooth scrolling would leave each step half-way.
  document.documentElement.style.setProperty('scroll-behavior', 'auto', 'important');
  const step = Math.max(200, innerHeight);
  let y = 0;
  for (let n = 0; n < opts.maxSteps && spent() < opts.budgetMs; n++) {
    const bottom = Math.min(root.scrollHeight, opts.maxHeight);
    if (y >= bottom) break;
    window.scrollTo(0, y);
    await sleep(opts.stepMs);
    await waitImages(inView, 1500);
    y += step;
  }
  window.scrollTo(0, 0);
  await capped(document.fonts ? document.fonts.ready : Promise.resolve(), 3000);
  await waitImages(() => true, Math.min(3000, Math.max(500, opts.budgetMs - spent())));
  await sleep(opts.stepMs);
  await frames();
  return {
    title: (document.title || '').trim(),
    height: Math.ceil(Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0)),
    url: location.href,
  };
}
