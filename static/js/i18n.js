// Every user-facing string, in Dutch and English. Dutch labels are the method's own terms
// (see DOMAIN.md). A value is a string with {param} placeholders, or a function of the params
// when the grammar needs it (plurals).
import { h } from './dom.js';
import { nl as nlSteps, en as enSteps } from './i18n-steps.js';

const nl = {
  'lang.label': 'Taal',
  'locale.nl': 'Nederlands',
  'locale.en': 'English',
  loading: 'Laden…',
  save: 'Opslaan',
  cancel: 'Annuleren',
  saving: 'Opslaan…',
  saved: 'Opgeslagen',
  unsaved: 'Nog niet opgeslagen',
  typing: (p) => `${p.name} typt mee…`,
  reload: 'Pagina herladen',
  home: 'Naar de startpagina',
  you: 'jij',
  'not.set': 'niet ingevuld',

  'conn.connected': 'verbonden',
  'conn.connecting': 'verbinden…',
  'conn.reconnecting': 'opnieuw verbinden…',
  'conn.waiting': (p) => (p.n === 1 ? '1 wijziging wacht' : `${p.n} wijzigingen wachten`),
  'conn.closed': 'niet verbonden',
  'conn.server.ok': 'server bereikbaar',
  'conn.server.down': 'server niet bereikbaar',

  'err.bad_message': 'Ongeldig bericht',
  'err.invalid': 'Ongeldige invoer',
  'err.forbidden': 'Dat mag je niet doen',
  'err.not_found': 'Niet gevonden (misschien net verwijderd)',
  'err.locked': 'De facilitator heeft de tabel vergrendeld',
  'err.closed': 'Deze stemronde is gesloten',
  'err.budget': 'Je hebt geen stemmen meer over',
  'err.rate_limited': 'Even rustig aan: te veel wijzigingen tegelijk',
  'err.unavailable': 'De server kan even niet opslaan; je wijziging wordt opnieuw verstuurd',
  'err.network': 'De server is niet bereikbaar. Controleer de wifi en probeer opnieuw.',
  'err.unknown': 'Er ging iets mis',
  'err.tooLong': 'Te lang: maximaal {max} tekens',

  'fatal.removed': 'Je bent uit deze workshop verwijderd.',
  'fatal.badToken': 'Deze facilitatorlink klopt niet (meer). Vraag de juiste link aan wie de workshop startte.',
  'fatal.deleted': 'Deze workshop bestaat niet meer.',
  'fatal.protocol': 'De server weigerde de verbinding. Herlaad de pagina.',
  'fatal.joinAgain': 'Opnieuw deelnemen',

  'notFound.title': 'Workshop niet gevonden',
  'notFound.body': 'Er is geen workshop met code {code}. Kijk de code nog eens na.',

  'step.n': 'Stap {n}',
  'step.label': 'Stap {n} · {name}',
  'step.1.name': 'Onderwerp bepalen',
  'step.2.name': 'Arena-analyse',
  'step.3.name': 'Vormen van samen\u00ADwerking',
  'step.4.name': 'Selectie van actoren',
  'step.5.name': 'Actoren benaderen',
  'step.6.name': 'Bijsturen',
  'step.1.desc': 'Omschrijf het onderwerp: het thema of de kwestie die een appèl doet tot samenwerken.',
  'step.2.desc': 'Maak een arena-analyse: welke actoren zijn er, welke machts- en hulpbronnen hebben ze voor het onderwerp, hoe belangrijk en hoe vervangbaar zijn ze, en hoe afhankelijk is de relatie?',
  'step.3.desc': 'Brainstorm over samenwerkingsvormen met de verschillende actoren: overleg, ad hoc, netwerk of fusie (werkblad Vormen van samenwerking).',
  'step.4.desc': 'Selecteer de actoren met wie je wil samenwerken in een netwerk, en bedenk vooraf selectiecriteria.',
  'step.5.desc': 'Spreek de weerhouden actoren aan: was je inschatting juist? Peil naar organisatiebelang en motivatie. Is er handelingsbereidheid?',
  'step.6.desc': 'Corrigeer of vul eventueel aan.',

  issue: 'Onderwerp',
  goal: 'Doel',
  'issue.empty': 'De facilitator vult het onderwerp nog in.',
  'goal.empty': 'Nog geen doel.',

  'actor.name': 'Actor',
  'actor.category': 'Soort actor',
  'actor.categoryOptional': 'Soort actor (mag later)',
  'actor.resources': 'Machts- en hulpbronnen',
  'actor.importance': 'Belang\u00ADrijkheid', // soft hyphens: narrow table columns
  'actor.replaceability': 'Vervangbaarheid',
  'actor.replaceableBy': 'door wie',
  'actor.replaceabilityBy': 'Vervang\u00ADbaarheid (door wie)',
  'actor.dependency': 'Afhankelijkheids\u00ADrelatie', // soft hyphen: breaks well on a narrow card
  'actor.dependencyShort': 'Afhanke\u00ADlijkheid',
  'actor.rank': 'Rang\u00ADorde',
  'cat.core': 'kernactor',
  'cat.peripheral': 'randactor',
  'cat.context': 'contextactor',
  'cat.anchoring': 'verankeringsactor',
  'deg.large': 'groot',
  'deg.ratherLarge': 'eerder groot',
  'deg.ratherSmall': 'eerder klein',
  'deg.small': 'klein',
  'actor.add': 'Actor toevoegen',
  'actor.addName': 'Naam van de organisatie, groep of persoon',
  'actor.remove': 'Verwijderen',
  'actor.removeNamed': '{name} verwijderen',
  'actor.removeConfirm': '“{name}” verwijderen uit de arena-analyse?',
  'actor.resourcesPh': 'Wat brengt deze actor in? bv. kennis, geld, ruimte, contact met de doelgroep',
  'actor.replaceableByPh': 'bv. een andere dienst',
  'card.importance': 'belang {n}',
  'card.replaceability': 'vervangbaar: {v}',
  'card.dependency': 'afhankelijk: {v}',
  'card.fillIn': 'Analyse invullen',
  'actors.none': 'Nog geen actoren. Voeg de eerste toe.',
  'actors.noneProjector': 'Nog geen actoren. Voeg ze toe op je telefoon.',
  'actors.count': (p) => (p.n === 1 ? '1 actor' : `${p.n} actoren`),
  'locked.note': 'De facilitator heeft de tabel vergrendeld: je kunt meelezen, niet wijzigen.',
  'lock.lock': 'Vergrendelen',
  'lock.unlock': 'Ontgrendelen',
  'lock.isLocked': 'Vergrendeld: deelnemers kunnen niets wijzigen.',
  'lock.isOpen': 'Open: iedereen kan actoren toevoegen en wijzigen.',

  'name.label': 'Je naam',
  'name.placeholder': 'bv. Sofie (Huis van het Kind)',
  'name.submit': 'Deelnemen',
  'name.intro': 'Je neemt deel aan:',
  'name.invalid': 'Vul een naam in van 1 tot 40 tekens.',
  'name.rename': 'Naam wijzigen',

  'landing.tagline': 'Bouw samen een netwerk: een live workshop met telefoons en een projector.',
  'create.heading': 'Een workshop starten',
  'create.title': 'Titel van de workshop',
  'create.titlePh': 'bv. Samen tegen kinderarmoede in de Brugse Poort',
  'create.locale': 'Taal van de workshop',
  'create.submit': 'Workshop starten',
  'create.invalid': 'Geef de workshop een titel van 1 tot 120 tekens.',
  'join.heading': 'Deelnemen met een code',
  'join.code': 'Code',
  'join.codePh': 'bv. ABC 234',
  'join.submit': 'Deelnemen',
  'join.invalid': 'Een code heeft 6 tekens, bv. ABC 234.',
  'join.notFound': 'Er is geen workshop met code {code}.',

  'present.join': 'Doe mee',
  'present.goTo': 'Surf naar',
  'present.scan': 'of scan de QR-code',
  'present.code': 'Code',
  'present.page': (p) => `Pagina ${p.i} van ${p.n}`,
  online: (p) => (p.n === 1 ? '1 deelnemer online' : `${p.n} deelnemers online`),

  'fac.console': 'Console van de facilitator',
  'fac.noToken.title': 'Geen facilitatorlink',
  'fac.noToken.body': 'Deze pagina is de console van de facilitator. Open ze met de link die je kreeg toen je de workshop startte (die eindigt op #token=…), of met de “link voor een ander toestel” uit een console die al open staat.',
  'fac.noToken.join': 'Deelnemen als deelnemer',
  'fac.name.intro': 'Hoe heet je? De deelnemers zien deze naam.',
  'fac.name.submit': 'Console openen',
  'fac.joinLink': 'Link voor deelnemers',
  'fac.deviceLink': 'Link voor een ander toestel',
  'fac.deviceLinkHint': 'Geheim: wie deze link heeft, kan de workshop leiden.',
  'fac.copy': 'Kopiëren',
  'fac.copied': 'Gekopieerd',
  'fac.copyFailed': 'Kopiëren lukte niet: selecteer de link en kopieer hem zelf.',
  'fac.projector': 'Projectorweergave openen',
  'fac.prev': '← Vorige stap',
  'fac.next': 'Volgende stap →',
  'fac.steps': 'Stappen',
  'fac.title': 'Titel',
  'fac.issuePh': 'Welk onderwerp, thema of welke kwestie vraagt om samenwerking?',
  'fac.goalPh': 'Wat wil het netwerk bereiken, en tegen wanneer?',
  'fac.participants': (p) => `Deelnemers (${p.n})`,
  'fac.noParticipants': 'Nog niemand. Deel de code of de QR-code.',
  'fac.online': 'online',
  'fac.offline': 'offline',
  'fac.role.facilitator': 'facilitator',
  'fac.viewers': (p) => (p.n === 1 ? '1 projector' : `${p.n} projectors`),
};

const en = {
  'lang.label': 'Language',
  'locale.nl': 'Nederlands',
  'locale.en': 'English',
  loading: 'Loading…',
  save: 'Save',
  cancel: 'Cancel',
  saving: 'Saving…',
  saved: 'Saved',
  unsaved: 'Not saved yet',
  typing: (p) => `${p.name} is typing here…`,
  reload: 'Reload page',
  home: 'Go to the start page',
  you: 'you',
  'not.set': 'not set',

  'conn.connected': 'connected',
  'conn.connecting': 'connecting…',
  'conn.reconnecting': 'reconnecting…',
  'conn.waiting': (p) => (p.n === 1 ? '1 change waiting' : `${p.n} changes waiting`),
  'conn.closed': 'not connected',
  'conn.server.ok': 'server reachable',
  'conn.server.down': 'server unreachable',

  'err.bad_message': 'Invalid message',
  'err.invalid': 'Invalid input',
  'err.forbidden': 'You are not allowed to do that',
  'err.not_found': 'Not found (perhaps just removed)',
  'err.locked': 'The facilitator has locked the table',
  'err.closed': 'This voting round is closed',
  'err.budget': 'You have no votes left',
  'err.rate_limited': 'Slow down: too many changes at once',
  'err.unavailable': 'The server cannot save for a moment; your change will be sent again',
  'err.network': 'Cannot reach the server. Check the Wi-Fi and try again.',
  'err.unknown': 'Something went wrong',
  'err.tooLong': 'Too long: at most {max} characters',

  'fatal.removed': 'You were removed from this workshop.',
  'fatal.badToken': 'This facilitator link is wrong (or no longer valid). Ask whoever started the workshop for the right link.',
  'fatal.deleted': 'This workshop no longer exists.',
  'fatal.protocol': 'The server refused the connection. Reload the page.',
  'fatal.joinAgain': 'Join again',

  'notFound.title': 'Workshop not found',
  'notFound.body': 'There is no workshop with code {code}. Please check the code.',

  'step.n': 'Step {n}',
  'step.label': 'Step {n} · {name}',
  'step.1.name': 'Define the issue',
  'step.2.name': 'Arena analysis',
  'step.3.name': 'Forms of collab\u00ADoration',
  'step.4.name': 'Select actors',
  'step.5.name': 'Approach actors',
  'step.6.name': 'Correct or complete',
  'step.1.desc': 'Define the issue: the topic, theme or question that calls for collaboration.',
  'step.2.desc': 'Make an arena analysis: which actors are there, which power and help resources do they hold for the issue, how important and how replaceable are they, and how dependent is the relation?',
  'step.3.desc': 'Brainstorm about forms of collaboration with the different actors: consultation, ad hoc, network or merger (worksheet Forms of collaboration).',
  'step.4.desc': 'Select the actors you want to work with in a network, and set selection criteria beforehand.',
  'step.5.desc': 'Approach the retained actors: was your assessment right? Gauge organisational interest and motivation. Is there willingness to act?',
  'step.6.desc': 'Correct or complete where needed.',

  issue: 'Issue',
  goal: 'Goal',
  'issue.empty': 'The facilitator has not filled in the issue yet.',
  'goal.empty': 'No goal yet.',

  'actor.name': 'Actor',
  'actor.category': 'Kind of actor',
  'actor.categoryOptional': 'Kind of actor (optional)',
  'actor.resources': 'Power and help resources',
  'actor.importance': 'Impor\u00ADtance',
  'actor.replaceability': 'Replaceability',
  'actor.replaceableBy': 'by whom',
  'actor.replaceabilityBy': 'Replace\u00ADability (by whom)',
  'actor.dependency': 'Dependency relation',
  'actor.dependencyShort': 'Depen\u00ADdency',
  'actor.rank': 'Rank',
  'cat.core': 'core actor',
  'cat.peripheral': 'peripheral actor',
  'cat.context': 'context actor',
  'cat.anchoring': 'anchoring actor',
  'deg.large': 'large',
  'deg.ratherLarge': 'rather large',
  'deg.ratherSmall': 'rather small',
  'deg.small': 'small',
  'actor.add': 'Add actor',
  'actor.addName': 'Name of the organisation, group or person',
  'actor.remove': 'Remove',
  'actor.removeNamed': 'Remove {name}',
  'actor.removeConfirm': 'Remove “{name}” from the arena analysis?',
  'actor.resourcesPh': 'What does this actor bring? e.g. knowledge, money, rooms, contact with the target group',
  'actor.replaceableByPh': 'e.g. another service',
  'card.importance': 'importance {n}',
  'card.replaceability': 'replaceable: {v}',
  'card.dependency': 'dependency: {v}',
  'card.fillIn': 'Fill in the analysis',
  'actors.none': 'No actors yet. Add the first one.',
  'actors.noneProjector': 'No actors yet. Add them on your phone.',
  'actors.count': (p) => (p.n === 1 ? '1 actor' : `${p.n} actors`),
  'locked.note': 'The facilitator has locked the table: you can read along but not edit.',
  'lock.lock': 'Lock',
  'lock.unlock': 'Unlock',
  'lock.isLocked': 'Locked: participants cannot change anything.',
  'lock.isOpen': 'Open: everyone can add and edit actors.',

  'name.label': 'Your name',
  'name.placeholder': 'e.g. Sofie (Family Centre)',
  'name.submit': 'Join',
  'name.intro': 'You are joining:',
  'name.invalid': 'Enter a name of 1 to 40 characters.',
  'name.rename': 'Change name',

  'landing.tagline': 'Build a network together: a live workshop with phones and a projector.',
  'create.heading': 'Start a workshop',
  'create.title': 'Workshop title',
  'create.titlePh': 'e.g. Together against child poverty in our neighbourhood',
  'create.locale': 'Workshop language',
  'create.submit': 'Start workshop',
  'create.invalid': 'Give the workshop a title of 1 to 120 characters.',
  'join.heading': 'Join with a code',
  'join.code': 'Code',
  'join.codePh': 'e.g. ABC 234',
  'join.submit': 'Join',
  'join.invalid': 'A code has 6 characters, e.g. ABC 234.',
  'join.notFound': 'There is no workshop with code {code}.',

  'present.join': 'Join in',
  'present.goTo': 'Go to',
  'present.scan': 'or scan the QR code',
  'present.code': 'Code',
  'present.page': (p) => `Page ${p.i} of ${p.n}`,
  online: (p) => (p.n === 1 ? '1 participant online' : `${p.n} participants online`),

  'fac.console': 'Facilitator console',
  'fac.noToken.title': 'No facilitator link',
  'fac.noToken.body': 'This page is the facilitator console. Open it with the link you got when you started the workshop (it ends in #token=…), or with the “link for another device” from a console that is already open.',
  'fac.noToken.join': 'Join as a participant',
  'fac.name.intro': 'What is your name? Participants will see it.',
  'fac.name.submit': 'Open console',
  'fac.joinLink': 'Link for participants',
  'fac.deviceLink': 'Link for another device',
  'fac.deviceLinkHint': 'Secret: whoever has this link can run the workshop.',
  'fac.copy': 'Copy',
  'fac.copied': 'Copied',
  'fac.copyFailed': 'Copying failed: select the link and copy it yourself.',
  'fac.projector': 'Open projector view',
  'fac.prev': '← Previous step',
  'fac.next': 'Next step →',
  'fac.steps': 'Steps',
  'fac.title': 'Title',
  'fac.issuePh': 'Which topic, theme or question calls for collaboration?',
  'fac.goalPh': 'What should the network achieve, and by when?',
  'fac.participants': (p) => `Participants (${p.n})`,
  'fac.noParticipants': 'Nobody yet. Share the code or the QR code.',
  'fac.online': 'online',
  'fac.offline': 'offline',
  'fac.role.facilitator': 'facilitator',
  'fac.viewers': (p) => (p.n === 1 ? '1 projector' : `${p.n} projectors`),
};

export const dictionaries = { nl: { ...nl, ...nlSteps }, en: { ...en, ...enSteps } };
export const LANGS = ['nl', 'en'];
const STORAGE_KEY = 'arena:lang';

let lang = 'nl';
const listeners = new Set();

// t returns the text for key in the current language, falling back to Dutch and then to the
// key itself, so a missing translation shows up instead of breaking the page.
export function t(key, params = {}) {
  const v = dictionaries[lang][key] ?? dictionaries.nl[key];
  if (v === undefined) return key;
  if (typeof v === 'function') return v(params);
  return v.replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m));
}

export function getLang() {
  return lang;
}

function storedLang() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(v) ? v : null;
  } catch {
    return null; // storage can be blocked (private mode); the page still works
  }
}

// initLang picks the language: the visitor's own choice wins, then the workshop's locale.
export function initLang(workshopLocale) {
  apply(storedLang() || (LANGS.includes(workshopLocale) ? workshopLocale : 'nl'));
}

function apply(l) {
  lang = l;
  document.documentElement.lang = l;
}

// setLang stores the visitor's choice and tells every listener to re-render.
export function setLang(l) {
  if (!LANGS.includes(l) || l === lang) return;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    /* not stored: the choice lasts for this page only */
  }
  apply(l);
  for (const fn of listeners) fn(l);
}

// onLangChange registers a re-render; it returns a function that unregisters it.
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// langToggle is the small NL/EN switch shown on every page.
export function langToggle() {
  const group = h('div', { class: 'lang-toggle', role: 'group', 'aria-label': t('lang.label') });
  for (const l of LANGS) {
    const b = h('button', { type: 'button', class: 'lang-btn', lang: l, 'aria-pressed': String(l === lang) }, l.toUpperCase());
    b.addEventListener('click', () => {
      const hadFocus = document.activeElement === b;
      setLang(l);
      // The page is drawn anew in the other language: the keyboard's focus goes to the new
      // toggle's button, not to the page's start.
      if (hadFocus && !b.isConnected) document.querySelector(`.lang-toggle .lang-btn[lang="${l}"]`)?.focus();
    });
    group.appendChild(b);
  }
  return group;
}
