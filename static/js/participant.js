// What the two pages share whose user takes part: the phone (join.js) and the facilitator
// console (facilitate.js; the facilitator is a participant too). The identity is kept in the
// workshop's storage: the participant token the server hands out and the name.
import { h, replace, setText } from './dom.js';
import { langToggle, onLangChange, t } from './i18n.js';
import { live } from './page.js';
import { NAME_MAX } from './people.js';

/**
 * participate connects as the participant kept in saved, and keeps what the server says back.
 * With facilitator, the hello carries the facilitator token kept in saved as well.
 * makeView(page) builds the page's view ({render, rebuild}), which is rebuilt for each language;
 * onFatal gets the close code when the server refuses for good.
 */
export function participate({ code, saved, facilitator = false, makeView, onFatal }) {
  const page = live({
    code,
    hello: () => {
      const m = { role: 'participant' };
      if (facilitator) m.facilitatorToken = saved.get('facilitatorToken');
      const token = saved.get('participantToken');
      const name = saved.get('name');
      if (token) m.participantToken = token;
      // The name goes along even on resume: should the server not know the token any more,
      // it starts a new participant with it instead of refusing the hello.
      if (name) m.name = name;
      return m;
    },
    onWelcome: (you) => {
      if (you.participantToken) saved.set('participantToken', you.participantToken);
      if (you.name) saved.set('name', you.name);
    },
    onRender: () => view.render(),
    onFatal,
  });
  const view = makeView(page);
  onLangChange(() => view.rebuild());
  view.rebuild();
  page.conn.start();
}

/**
 * nameForm asks for a name once, keeps it in saved for the hello and then calls done. inputId and submitId name the field and
 * the button; texts() answers, in the current language, {brand, intro (nodes above the label,
 * or none), label, submit}. enterkeyhint, if given, goes on the input.
 */
export function nameForm(root, saved, { inputId, submitId, texts, enterkeyhint }, done) {
  const build = () => {
    const { brand, intro, label, submit } = texts();
    // Twice the limit (see addActorForm): the submit says when the name is too long.
    const input = h('input', { type: 'text', id: inputId, maxLength: 2 * NAME_MAX, autocomplete: 'name', placeholder: t('name.placeholder'), enterkeyhint });
    const error = h('p', { class: 'form-error', 'aria-live': 'polite' });
    const form = h('form', { class: 'panel name-form' },
      h('div', { class: 'topline' }, h('span', { class: 'brand' }, brand), langToggle()),
      intro,
      h('label', { class: 'field-label', for: inputId }, label),
      input,
      error,
      h('button', { type: 'submit', id: submitId, class: 'btn btn-primary btn-block' }, submit));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const name = input.value.trim();
      if (!name || [...name].length > NAME_MAX) {
        setText(error, t('name.invalid'));
        input.focus();
        return;
      }
      stop(); // the live view takes over language changes
      saved.set('name', name);
      done();
    });
    replace(root, form);
    input.focus();
  };
  const stop = onLangChange(build);
  build();
}
