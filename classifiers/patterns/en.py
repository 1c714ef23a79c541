"""English phrase patterns (matched on lower-cased spaCy tokens)."""

from __future__ import annotations

from itertools import product

_PEOPLE = ["me", "you", "us", "him", "her", "them", "ya", "u"]
_FAMILY = [
    "family", "kids", "kid", "children", "child", "son", "daughter", "wife",
    "husband", "mother", "mom", "father", "dad", "parents", "grandmother",
    "sister", "brother", "baby", "dog",
]
_RELATIONS = [
    "mother", "mom", "mum", "father", "dad", "parents", "wife", "husband",
    "spouse", "sister", "brother", "family", "relatives", "aunt", "uncle",
    "cousin", "grandmother", "grandma", "grandfather", "grandpa", "in-laws",
    "girlfriend", "boyfriend", "fiance", "roommate", "neighbor", "neighbors",
    "neighbour", "neighbours", "friend", "friends", "boss", "employer",
    "manager", "supervisor", "coworker", "coworkers", "co-workers",
    "colleague", "colleagues", "hr", "work", "job", "workplace", "office",
    "pastor", "church", "landlord", "references", "facebook",
]
_VIOLENT_VERBS = [
    "kill", "killed", "hurt", "beat", "shoot", "shot", "stab", "harm",
    "attack", "murder", "strangle", "smack", "punch", "slap", "rape",
]
_BODY = ["legs", "leg", "arm", "arms", "neck", "knees", "face", "fingers", "bones", "jaw"]


def _phrases_violence() -> list[str]:
    out = [f"{v} {p}" for v, p in product(_VIOLENT_VERBS, _PEOPLE)]
    out += [f"{v} my {f}" for v, f in product(_VIOLENT_VERBS, _FAMILY)]
    out += [f"{v} your {f}" for v, f in product(_VIOLENT_VERBS, _FAMILY)]
    out += [f"break your {b}" for b in _BODY] + [f"break my {b}" for b in _BODY]
    out += [f"broken {b}" for b in _BODY]
    out += [
        "beat you up", "beat me up", "beat the crap out of", "beat the hell out of",
        "physical harm", "physically harm", "physically hurt", "bodily harm",
        "violence", "violent", "burn your house", "burn down your house",
        "burn my house", "set fire", "know where you live", "knows where you live",
        "we know where your kids", "watch your back", "put you in the hospital",
        "end up in the hospital", "end up dead", "you will be dead",
        "you'll be dead", "make you disappear", "something bad will happen",
        "something bad is going to happen", "better watch out", "break your door",
        "come after you with", "with a gun", "a gun", "a knife", "baseball bat",
        "blow your head", "slit your", "kneecaps", "kneecap",
    ]
    return out


PHRASES: dict[str, list[str]] = {
    # ---- critical ---------------------------------------------------------
    "violence_threat": _phrases_violence(),
    "self_harm": [
        "suicide", "suicidal", "kill myself", "killing myself", "end my life",
        "overdose", "overdosing", "overdosed", "od on my pills",
        "ending my life", "take my own life", "take my life", "end it all",
        "don't want to live", "do not want to live", "dont want to live",
        "don't want to be alive", "hurt myself", "harm myself", "self-harm",
        "self harm", "no reason to live", "nothing to live for",
        "better off dead", "want to die", "wanted to die", "wish i was dead",
        "wish i were dead", "overdose", "cutting myself", "cut myself",
        "hang myself", "jump off a bridge", "jump off the bridge",
        "can't go on living", "cannot go on living", "sucide", "suicid",
        "end my own life", "ending my own life",
        "don't want to be here", "dont want to be here", "not be here anymore",
        "no point in living", "not worth living", "isn't worth living",
        "rather be dead", "rather die", "suicidal thoughts", "thoughts of suicide",
        "unalive", "can't go on", "cannot go on", "give up on life", "take my own",
        "kill my self", "end my self",
    ],
    "_arrest": [
        "arrest", "arrested", "arresting", "jail", "jailed", "prison",
        "warrant", "warrants", "locked up", "lock me up", "lock you up",
        "handcuffs", "handcuffed", "criminal charges", "press charges",
        "pressing charges", "police will come", "police are coming", "cops will", "call the cops",
        "send the cops", "send the police", "have the police", "cops are coming",
        "sheriff will come", "sheriff is coming", "officers will come",
        "go to jail", "behind bars", "criminal complaint", "pick you up",
        "pick me up", "taken into custody", "custody", "detained",
    ],
    "_date": [
        "today", "tonight", "tomorrow", "this afternoon", "this evening",
        "this morning", "monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday", "this week", "next week", "this weekend",
        "end of the day", "end of the week", "end of the month", "end of day",
        "by noon", "by 5", "by 5pm", "within 24 hours", "within 48 hours",
        "within 72 hours", "in 24 hours", "in 48 hours", "january", "february",
        "march", "april", "june", "july", "august", "september", "october",
        "november", "december", "the 1st", "the 15th",
        "tmrw", "tommorow", "tomorow", "tonite", "xdate", "that afternoon", "that evening", "that night", "that morning",
        "on their way", "on the way", "right now", "within the hour", "in an hour", "in one hour",
        "in a few days", "in a couple of days", "in a couple days", "first thing in the morning",
        "by morning", "by tonight", "by tomorrow", "this coming",
    ],
    "home_or_work_visit": [
        "outside my house", "outside my home", "outside my door",
        "outside my apartment", "outside my work", "outside my office",
        "outside my job", "in front of my house", "in front of my home",
        "in front of my work", "at my front door", "on my doorstep",
        "on my porch", "in my driveway", "parked outside my",
        "banging on my door", "banged on my door", "knocking on my door",
        "knocked on my door", "pounding on my door", "door knocker",
        "came to my house", "came to my home", "came to my door",
        "came to my work", "came to my job", "came to my office",
        "came to my workplace", "came to my apartment", "came by my house",
        "came by my work", "come to my house", "come to my home",
        "come to my work", "come to my job", "come to your house",
        "come to your home", "come to your work", "come to your job",
        "coming to my house", "coming to my home", "coming to my work",
        "coming to your house", "coming to your work", "showed up at my",
        "show up at my", "show up at your", "showing up at my",
        "turned up at my", "visited my house", "visited my home",
        "visited my work", "visited my workplace", "visited my office",
        "visit my house", "visit my home", "visit my work", "visit your home",
        "visit your house", "visit your work", "waiting outside my",
        "waited outside my", "waiting at my", "sat outside my",
        "followed me home", "followed me to work", "at my door", "at my house",
        "at my workplace", "field agent", "home visit", "parked across the street",
        "parked outside", "outside my building", "outside my apartment building",
        "stopped by my house", "stopped by my home", "stopped by my work",
        "came by my home", "came by my job", "came by the house", "came to the house",
        "rang my doorbell", "ringing my doorbell", "on my property", "in my yard",
        "waiting for me outside", "waited for me outside", "waiting for me at",
        "showed up at the house", "showed up at our", "came to our house",
        "came to our home", "knocked on our door", "banging on our door",
    ],
    "_minor": [
        "minor", "minors", "underage", "under age", "teenage", "teenager",
        "teen", "my kid", "my kids", "my child", "my children", "my little",
        "my young", "school", "kindergarten", "middle school", "high school",
        "grade school", "my son's school", "my daughter's school",
    ],
    "_contact": [
        "rang", "ringing", "phoned", "called up",
        "called", "call", "calls", "calling", "texted", "texting", "text",
        "messaged", "contacted", "contacting", "spoke", "talked", "told",
        "asked", "answered", "picked up", "approached", "threatened",
        "questioned", "yelled", "scared", "emailed", "reached", "harassed", "asking",
        "messaging", "message", "dmd", "facebook", "added",
        "harassing", "phoned", "dm", "dmed", "snapchat", "instagram",
    ],
    # ---- high ---------------------------------------------------------------
    "ongoing_harassment": [
        "still calling", "still call", "still calls", "still texting",
        "still getting calls", "still receiving calls", "still harassing",
        "still contacting", "keep calling", "keeps calling", "kept calling",
        "keep texting", "keeps texting", "keep harassing", "keeps harassing",
        "continue to call", "continues to call", "continued to call",
        "continue calling", "continues calling", "continue to harass",
        "continues to harass", "continuing to call", "call me every day",
        "calls every day", "calling every day", "calling me every day",
        "calls me every day", "every single day", "every day", "everyday",
        "day and night", "all hours", "at all hours", "middle of the night",
        "non-stop", "nonstop", "non stop", "constantly", "constant calls",
        "won't stop", "will not stop", "wont stop", "refuse to stop",
        "refuses to stop", "haven't stopped", "has not stopped",
        "have not stopped", "hasn't stopped", "still happening", "ongoing",
        "calls a day", "times a day", "times per day", "calls per day",
        "texts a day", "over and over",
        "again and again", "blowing up my phone", "3 am", "3am", "2am", "4am",
        "at night", "still coming", "still getting", "still receiving", "still receive",
        "still get", "still texting me", "every morning", "every evening", "every night",
        "daily", "several times a day", "multiple times a day", "different numbers",
        "new numbers", "each day",
    ],
    "_disclosure_verb": [
        "rang", "ringing", "rung", "called up", "phoning",
        "called", "calls", "calling", "call", "contacted", "contacting",
        "contact", "told", "tell", "telling", "texted", "texting", "emailed",
        "messaged", "informed", "notified", "notify", "phoned", "spoke to",
        "spoken to", "talked to", "talking to", "reached out to", "went to",
        "discussed my debt with", "shared", "disclosed", "sent", "posted",
        "visited",
    ],
    "legal_threat": [
        "sue", "sued", "suing", "lawsuit", "law suit", "take me to court",
        "take you to court", "taking me to court", "taking you to court",
        "court date", "summons", "garnish", "garnished", "garnishing",
        "garnishment", "garnishments", "garnishee", "seize", "seized",
        "seizing", "seizure", "repossess", "repossessed", "repossession",
        "levy", "lien", "liens", "freeze my bank", "freeze my account",
        "freeze your account", "freeze your bank", "frozen my account",
        "legal action", "legal proceedings", "judgment against", "judgement against",
        "file suit", "filed suit", "wage attachment", "take my house",
        "take your house", "take my car", "take your car", "take my wages",
        "take your wages", "go after my paycheck", "go after my wages",
        "go after your paycheck", "take my paycheck", "attach my wages", "judgment",
        "judgement", "default judgment", "court action", "small claims",
    ],
    "vulnerable_cardholder": [
        "elderly", "senior citizen", "senior citizens", "disabled", "disability",
        "disabilities", "handicapped", "wheelchair", "cancer", "chemo",
        "chemotherapy", "terminally ill", "terminal illness", "seriously ill",
        "chronically ill", "mentally ill", "dialysis", "hospital",
        "hospitalized", "hospitalised", "hospice", "surgery", "stroke",
        "heart attack", "dementia", "alzheimer's", "alzheimers", "veteran",
        "servicemember", "service member", "active duty", "deployed",
        "deployment", "military", "soldier", "army", "navy", "marine",
        "depression", "depressed", "anxiety", "panic attack", "panic attacks",
        "ptsd", "bipolar", "mental health", "mental illness", "nervous breakdown",
        "pregnant", "widow", "widowed", "blind", "deaf",
        "on ssi", "ssdi", "social security disability", "fixed income",
        "housebound", "homebound", "bedridden", "bed bound", "on oxygen",
        "nursing home", "assisted living", "terminal", "dying", "caregiver",
        "mental breakdown", "psychiatric", "in therapy", "ptsd", "over 70",
        "over 80", "in my 70s", "in my 80s", "in my seventies", "in my eighties",
    ],
    # ---- category cues --------------------------------------------------------
    "cue:not_owed": [
        "not my debt", "not mine", "isn't mine", "is not mine", "never had an account",
        "never had a card", "never opened", "identity theft", "stolen identity",
        "identity was stolen", "fraudulent account", "already paid",
        "paid in full", "paid it off", "paid off", "was paid", "bankruptcy",
        "discharged", "don't owe", "do not owe", "dont owe", "never owed",
        "wrong person", "not the debtor", "someone else's debt",
        "not responsible for this debt", "settled", "statute of limitations",
    ],
    "cue:wrong_amount": [
        "wrong amount", "incorrect amount", "amount is wrong", "amount is incorrect",
        "balance is wrong", "fees", "late fees", "interest", "overcharged",
        "over charged", "charged more", "more than i owe", "more than i owed",
        "inflated", "added fees", "extra fees", "collection fee", "collection fees",
        "doesn't match", "does not match", "higher than", "doubled", "tripled",
    ],
    "cue:verification": [
        "validation", "validate", "validated", "verification", "verify",
        "verified", "proof", "prove", "debt validation", "validation letter",
        "written notice", "written notification", "never received a letter",
        "never received any letter", "no letter", "in writing", "itemized",
        "itemization", "documentation", "documents", "copy of the contract",
        "original contract", "signed contract", "original creditor", "fdcpa",
        "dispute letter", "certified mail",
    ],
    "cue:misrepresentation": [
        "pretended to be", "pretending to be", "claimed to be a lawyer",
        "claimed to be an attorney", "claimed to be a police",
        "claimed to be from the police", "claimed to be from the court",
        "claiming to be", "claimed to be", "posing as", "posed as",
        "impersonating", "impersonated", "impersonate", "fake lawyer",
        "fake attorney", "fake police", "not a real lawyer", "not a real attorney",
        "said they were police", "said they were from the police",
        "said they were from the court", "said they were from the government",
        "law enforcement", "don't respond to the lawsuit", "not to respond",
        "said he was a deputy", "he was a deputy", "said he was an officer",
        "said he was a police", "said he was a lawyer", "said he was an attorney",
        "said she was a lawyer", "said she was an attorney", "claimed he was",
        "claimed she was", "said they were lawyers", "from the courthouse",
        "ignore the summons", "ignore the lawsuit", "lied", "lying", "false statements",
    ],
    "cue:harassment": [
        "stop calling", "asked them to stop", "told them to stop",
        "asked them not to call", "told them not to call", "cease and desist",
        "harass", "harassed", "harassing", "harassment", "harrass", "harrassed",
        "harrassing", "harrassment", "cursed", "cursing", "swore at me",
        "swearing", "yelled", "yelling", "screamed", "screaming", "profanity",
        "obscene", "abusive", "insulted", "rude", "robocalls", "robo calls",
        "spam", "texts", "text messages", "voicemails", "calls",
    ],
    "cue:threats": [
        "threaten", "threatened", "threatening", "threat", "threats",
        "ruin my credit", "ruin your credit", "credit report", "credit score",
        "report it to the credit", "deport", "deported", "deportation",
        "criminal", "crime", "fraud charges", "immigration",
    ],
    "cue:third_party": [
        "my attorney", "my lawyer", "represented by", "have a lawyer",
        "have an attorney", "my neighbors", "my neighbours", "my employer",
        "my boss", "my family", "my parents", "my coworkers",
    ],
    # ---- conduct language (collectors' notes and transcripts) ------------------
    "abusive_language": [
        "fuck", "fucking", "fucker", "f*ck", "shit", "bullshit", "bitch",
        "bastard", "asshole", "dumbass", "idiot", "stupid", "moron", "retard",
        "retarded", "loser", "deadbeat", "dead beat", "scum", "scumbag",
        "lowlife", "low life", "piece of crap", "piece of shit", "worthless",
        "go to hell", "shut up", "shut the hell up", "damn you", "goddamn",
        "trash", "pathetic", "freeloader", "thief", "crook", "useless",
    ],
    "threat": [
        "you will go to jail", "you'll go to jail", "we will have you arrested",
        "we'll have you arrested", "we will sue you", "we'll sue you",
        "we will take you to court", "we will garnish", "we'll garnish",
        "we will seize", "we'll seize", "take your house", "take your car",
        "we will call your employer", "we'll call your employer",
        "tell your employer", "tell your boss", "tell your family",
        "call your family", "call your boss", "you will lose your job",
        "you'll lose your job", "you will regret", "you'll regret",
        "ruin your credit", "ruin your life", "get you deported",
        "have you deported", "threaten", "threatened", "threatening",
        "or else", "last warning", "final warning", "you'd better pay",
        "you better pay", "police will come", "sheriff will come",
        "warrant for your arrest",
    ],
    "impersonation": [
        "this is officer", "this is detective", "this is deputy",
        "this is sergeant", "this is agent", "i am a police officer",
        "i'm a police officer", "i am an officer", "i'm an officer",
        "i am a detective", "i'm a detective", "from the police",
        "from the sheriff", "sheriff's department", "sheriff's office",
        "police department", "from the court", "from the courthouse",
        "the court has", "from the district attorney", "district attorney's office",
        "from the da's office", "law enforcement", "federal agent",
        "from the fbi", "from the irs", "from the government",
        "government agency", "i am an attorney", "i'm an attorney",
        "i am a lawyer", "i'm a lawyer", "legal department of the court",
        "process server", "court officer", "marshal",
    ],
}

_UNITS = ["hours", "hrs", "days", "business days"]
# Anchors checked in Python by classifiers.rules (a number next to them).
PHRASES["_age_anchor"] = [
    "year old", "years old", "yr old", "yrs old", "year-old", "years-old", "yr-old",
]
PHRASES["_age_after"] = [
    "aged", "who is", "who's", "who was", "who just turned", "who turned",
    "who is only", "who is just", "who's only", "who's just", "who is barely",
    "i am", "i'm", "im", "i am now", "i'm now",
]
PHRASES["_date"] += [f"{w} {n} {u}" for w in ("within", "in", "next") for n in
                     [str(i) for i in range(1, 73)] + ["one", "two", "three", "five", "seven", "ten"]
                     for u in _UNITS]
CHILD_NOUNS = frozenset({
    "son", "daughter", "kid", "child", "boy", "girl", "grandson", "granddaughter",
    "nephew", "niece", "stepson", "stepdaughter",
})
# Dates written with digits ("5/12", "the 15th") in the sentence of an arrest threat.
DATE_REGEX = (r"\b\d{1,2}/\d{1,2}\b|\b\d{1,2}(?:st|nd|rd|th)\b|\bmay \d{1,2}\b"
              r"|\b\d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.|o['’]clock)(?!\w)")
# A date that says when something began ("called me every day since March"),
# not when an arrest is to happen: no date for the arrest rule. Checked on the
# text just before and just after the date.
PAST_DATE_BEFORE = (r"\b(?:since|starting|started|starting from|beginning|began|back in|as far back as)\s+"
                    r"(?:(?:early|late|mid|the end of|the beginning of|the middle of)[\s-]+)?(?:last\s+)?$"
                    r"|\bago,?\s+(?:on\s+|in\s+)?(?:a\s+|last\s+)?$")
PAST_DATE_AFTER = r"\s+(?:ago|onwards?|until now|till now|to date)\b"
TOKEN_PATTERNS: dict[str, list[list[dict]]] = {}

RELATIONS = _RELATIONS
RELATIONS_SET = frozenset(_RELATIONS)
# Told to these, it is third-party contact (a category cue) but not the
# "family or employer" disclosure that makes a complaint high (SPEC 3).
NOT_FAMILY_OR_EMPLOYER = frozenset({
    "roommate", "neighbor", "neighbors", "neighbour", "neighbours", "friend", "friends",
    "pastor", "church", "landlord", "references", "facebook",
})
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
NEGATORS = frozenset({
    "not", "n't", "nt", "never", "no", "nobody", "none", "neither", "nor",
    "without", "didnt", "dont", "doesnt", "wont", "cant", "havent", "hasnt",
    "wasnt", "werent", "isnt", "aint", "nothing", "nor",
})
# A subject pronoun starts a new clause when looking back for a negation.
CLAUSE_PRONOUNS = frozenset({"i", "we", "they", "he", "she", "you", "it", "someone", "somebody"})
CLAUSE_BREAKS = frozenset({".", ",", ";", ":", "!", "?", "but", "and", "so", "because", "then", "when", "if", "-", "(", ")"})
SENTENCE_ENDS = frozenset({".", "!", "?", ";"})
SELF_SUBJECTS = frozenset({"i", "we"})
# Verbs that report a clause: "they never said [I would be arrested]".
REPORT_VERBS = frozenset({
    "said", "say", "says", "told", "tell", "mentioned", "mention", "claimed",
    "threatened", "threaten", "warned", "stated", "implied", "suggested",
})
REPORT_BREAKS = frozenset()

# ---- pattern families (regular expressions over the text) --------------------
# Each regex is matched case-insensitively on the text; a match is widened to
# whole tokens and then treated like a phrase hit (negation, sentence checks).
# They cover families of paraphrases that a list of literal phrases would not.
_A = r"['’]"  # straight or curly apostrophe
_YOU = r"(?:you|u|ya|your family|your kids)"
# "they said I'd regret it": the cardholder as subject only when reported.
_REPORTED_ME = r"(?:said|says|told me|tells me|warned me|warned|reminded me|threatened)(?: that)? (?:i|we)"
_SUBJ = rf"(?:{_YOU}|{_REPORTED_ME})"
_PERSON = (r"(?:you|u|ya|me|us|him|her|them|(?:your|my|our) (?:family|kids|children|child|son|daughter"
           r"|wife|husband|mom|mother|dad|father|parents|house|home|car))")
_WILL = (rf"(?:{_A}ll|{_A}d| will| would| shall|{_A}re going to| are going to|{_A}m going to| am going to"
         rf"| is going to|{_A}s going to| gonna|{_A}re gonna| are gonna| is gonna|{_A}s gonna| might| may)")
_HOME = (r"(?:house|home|apartment|flat|condo|building|place|front door|door|driveway|porch|yard|lawn"
         r"|property|job|work|workplace|office|store|shop|restaurant|salon|factory|plant|warehouse|site"
         r"|school|parking lot|car)")
_WORK_NOUNS = (r"(?:restaurant|store|shop|office|factory|plant|warehouse|site|salon|clinic|hospital|school"
               r"|bank|bar|cafe|diner|hotel|gym|garage|salon|building|place|job|workplace)")
_ORDINALS = [
    "1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th", "12th",
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth",
]
REGEX_PATTERNS: dict[str, list[str]] = {
    "violence_threat": [
        # "you'll regret it", "I'd be sorry", "they're gonna make you regret this"
        rf"\b{_SUBJ}{_WILL}\s+(?:really |definitely |surely |so |truly )?(?:regret (?:it|this|that|not|the day|ignoring)|be sorry)\b",
        rf"\bmake (?:you|u|ya|me|him|her|them) (?:regret|sorry)\b",
        # "something bad is gonna happen to you", "bad things could happen"
        r"\bsomething (?:bad|terrible|awful|nasty|unfortunate|horrible)?\s*(?:will|would|is going to|is gonna|gonna|could|might|may|can)\s+happen\s+to\s+" + _PERSON + r"\b",
        r"\bbad things (?:will|would|are going to|are gonna|gonna|could|might|may|can)?\s*happen\s+to\s+" + _PERSON + r"\b",
        r"\b(?:shame|pity) if something (?:happened|happens|were to happen)\b",
        # "you won't like what happens next", "see what happens"
        r"\b(?:won{_A}?t|will not|not going to|aren{_A}?t going to|wouldn{_A}?t)\s+like what (?:happens|will happen|comes)\b".replace("{_A}", _A),
        # "watch your back", "watch yourself", "look over your shoulder"
        r"\bwatch (?:your|my|his|her|our|ur) back\b|\bwatch (?:yourself|your step|ur back)\b",
        r"\blook(?:ing)? over (?:your|my) shoulder\b",
        # "we know where you live", "they know where my kids go to school"
        r"\bknows? (?:exactly )?where (?:you|u|your \w+) (?:live|lives|living|sleep|sleeps|stay|stays|park|parks|go to school|goes to school)\b",
        r"\b(?:said|says|told me|tells me|warned me|warned|reminded me|threatened)(?: that)? (?:they|he|she|we) (?:know|knows|knew) (?:exactly )?where (?:i|we|my \w+) (?:live|lives|living|sleep|sleeps|stay|stays|park|parks|go to school|goes to school)\b",
        r"\bknows? where (?:you|u) work\b|\bknows? your (?:home )?address\b",
        # "people who don't pay get hurt", "you could end up hurt"
        r"\b(?:you|u|people|someone|somebody|your family|your kids|folks)\s+"
        r"(?:(?:who|that)\s+(?:\S+\s+){1,3}?|(?!not\b|never\b|won\S*t\b|don\S*t\b|didn\S*t\b)\w+\s+)?"
        r"(?:get|gets|getting|end up|ends up|could get|might get|will get)\s+(?:\w+\s+)?hurt\b",
        # "send some guys over", "guys who deal with people like you"
        r"\bsend(?:ing)? (?:some |a few |a couple of |a couple |his |our |my )?(?:guys|men|boys|people|friends|someone|somebody)\s+(?:over|round|around|after)\b",
        r"\b(?:guys|men|boys|people|friends|someone|somebody) who (?:deal|deals|take care of|takes care of|handle|handles|visit|visits) (?:with )?(?:people like|guys like|you|u|me)\b",
        r"\btake care of (?:you|u|me) (?:for good|permanently)\b",
        # "your family might not be safe", "you won't be safe"
        r"\b(?:you|u|we|i|(?:your|my|our) (?:family|kids|children|wife|husband|son|daughter|parents|mom|dad|house|home|car))\s+"
        r"(?:might not|may not|will not|won['’]?t|wouldn['’]?t|would not|could not|couldn['’]?t|are not|aren['’]?t|is not|isn['’]?t|not)\s+(?:be\s+|stay\s+)?safe\b",
        # "break my windows", "slash your tires"
        r"\b(?:break|smash|bust|slash|burn|torch|wreck|vandali[sz]e|trash)\s+(?:my|your|our|his|her)\s+(?:windows?|tires|tyres|car|truck|house|home|front door|windshield|place)\b",
        # "we'll come find you", "hunt you down"
        r"\bcome (?:and )?find (?:you|u|me|ya)\b|\bhunt (?:you|u|me|ya) down\b",
        # "be careful walking home at night"
        r"\b(?:end|ends|ending|ended|wind|winds|winding|wound) up (?:dead|in a ditch|in a body bag|in (?:the|a) river|in the morgue|six feet under|in a wheelchair|in (?:the|a) hospital)\b",
        r"\b(?:hurt|harm|go after|come after)\s+(?:the people|those|everyone|anyone|people|someone) (?:you|i|u) (?:love|care about)\b",
        r"\bbe careful\b(?:\s+\S+){0,3}?\s+(?:at night|walking|going home|when you leave|out there|on your way|leaving work|in the parking lot)\b",
    ],
    "self_harm": [
        # "ending it", "end things", "end it all" — but not "end it with a settlement"
        r"\b(?:end|ending|ended)\s+(?:it all|things|everything|it)\b(?=\s*(?:[.!?,;:…]|$|\s*(?:all|now|tonight|today|soon|sometimes|for good|once and for all|already|because|and|but|so|if|or)\b))",
        # "they'd be better off without me", "better off if I was gone"
        r"\bbetter off (?:without me|with me gone|if i (?:was|were|wasn['’]?t|weren['’]?t|died|disappeared)(?: \w+)?)\b",
        # "taking all my pills", "swallow a bottle of sleeping pills"
        r"\b(?:take|taking|took|swallow|swallowing|swallowed)\s+(?:all|every one of)\s+(?:of )?(?:my |the |those )?(?:sleeping )?(?:pills|meds|medication|medicine|tablets)\s+(?:at once|at one time|in one go|together|at the same time)\b",
        r"\b(?:take|taking|took|swallow|swallowing|swallowed)\s+(?:a bottle of|a whole bottle of|the whole bottle of|a handful of|a box of)\s+(?:my |the |those )?(?:sleeping )?(?:pills|meds|medication|medicine|tablets)\b",
        r"\b(?:do not|don['’]?t|not) want to wake up\b|\bnot wake up (?:tomorrow|again|anymore)\b",
        r"\bwish i (?:could|would|had) (?:just )?(?:die|died|disappear|not wake up|never been born|never woken up)\b",
        r"\bno (?:point|reason) (?:in |to )?(?:going on|living|being alive|carrying on|keep going)\b",
        r"\b(?:(?:don['’]?t|do not|can['’]?t|cannot) see (?:the|any)|what['’]?s the) point (?:in |of )?(?:living|going on|being alive|carrying on|life)\b",
        # "it would be easier if I just wasn't here"
        r"\b(?:easier|better)\s+(?:for everyone\s+|for my family\s+|for them\s+)?if i (?:just )?(?:wasn['’]?t|weren['’]?t|was not|were not|was|were) (?:here|around|alive|gone|dead)\b",
        r"\bjump(?:ing|ed)? (?:off|from|in front of) (?:a|the|my|our) (?:\w+ )?(?:bridge|roof|building|balcony|train|bus|truck|cliff)\b",
        r"\b(?:thoughts|thinking|thought|think) (?:about|of) (?:dying|not being here|not being alive|not existing)\b",
        r"\b(?:don['’]?t|do not|no longer) care (?:if|whether) i live or die\b",
        r"\b(?:hang|hanging|hanged|shoot|shooting|drown|drowning|poison|poisoning|starve|starving|off|offing|overdose|overdosing)\s+(?:myself|my self)\b(?!\s+in the foot)",
        r"\b(?:drive|driving|drove|crash|crashing|crashed|steer|steering)\s+(?:my car|my truck|the car|myself)\s+(?:off|into)\s+(?:the road|a bridge|the bridge|a cliff|a tree|a wall|the river|the lake|oncoming traffic|traffic)\b",
    ],
    "home_or_work_visit": [
        # "came to the restaurant where I work", "showed up at our place"
        r"\b(?:came|come|comes|coming|showed up|show up|shows up|showing up|turned up|turn up|turns up|turning up"
        r"|walked into|walked in to|walk into|stopped by|stop by|dropped by|drop by|swung by|barged into)"
        r"\s+(?:to |at |into |by |in )?(?:"
        r"the\s+(?:\w+\s+){0,2}?(?:(?:where|that) )?(?:i|we|you|she|he|my \w+) (?:work|works|worked|manage|run|own|live|lives|stay|stays|am staying)\b"
        r"|(?:my|our|your)\s+(?:[\w'’]+\s+)?(?:" + _WORK_NOUNS + "|" + _HOME + r")\b(?!\s+account))",
        # "waiting in the parking lot at my job", "parked outside our building"
        r"\b(?:waiting|waited|lurking|loitering|parked|parking|sitting|sat|standing|stood|hanging around|hung around|camped|camping)\b"
        r"(?:\s+\S+){0,5}?\s+(?:(?:my|our|your) " + _HOME + r"|where (?:i|we|you) (?:work|live))\b",
        r"\bfollow(?:ed|ing|s)? (?:me|us|you|my \w+) (?:home|to|out to|into|from|around|back to)\b",
        r"\b(?:knock|knocked|knocking|knocks|bang|banged|banging|bangs|pound|pounded|pounding|kick|kicked|kicking)\s+(?:on|at)\s+(?:my|our)\s+(?:\w+\s+)?(?:door|doors|window|windows|gate)\b",
        # "sent a guy to my job", "pay you a visit"
        r"\bsen[dt](?:ing)? (?:a|an|some|two|three|his|their)?\s*(?:\w+\s+)?(?:guy|guys|man|men|agent|agents|person|people|someone|somebody|collector|collectors|rep|reps|representative)\s+"
        r"(?:to|over to|round to|by|onto)\s+(?:my|our|your)\s+(?:[\w'’]+\s+)?" + _HOME + r"\b",
        r"\bpay (?:you|u|me|us|your \w+|my \w+) a (?:little )?visit\b",
        r"\b(?:on|at) (?:my|our) (?:front )?(?:door ?step|doorsteps|porch|front steps|lawn)\b|\bat (?:my|our) (?:front )?(?:door|gate)\b",
    ],
    "_minor": [
        r"\b(?:" + "|".join(_ORDINALS) + r")[ -]grade(?:r|rs)?\b",
        r"\b(?:kindergartner|kindergartener|preschooler|grade schooler|middle schooler|high schooler|elementary school|junior high|freshman in high school|sophomore in high school)\b",
    ],
    "_arrest": [
        r"\b(?:take|taking|took|haul|hauling|hauled|drag|dragging|dragged|cart|carting|carted)\s+(?:me|you|u|him|her|us|them)\s+(?:in|off|away|downtown)\b",
        r"\b(?:in|into|put in|wearing) (?:hand)?cuffs\b|\bcuff (?:me|you|u)\b",
        r"\b(?:lock|locked|locking|throw|threw|throwing|put|putting) (?:me|you|u|him|her|us|them) (?:away|in a cell|in jail|in prison|behind bars)\b",
        r"\bspend (?:the night|a night|time|the weekend) in (?:a cell|jail|lockup|prison)\b",
    ],
}
# A visit only asked about ("Can a collector visit my home?") is not a visit.
QUESTION_REGEX = r"^\s*(?:can|could|may|are (?:they|collectors|debt collectors) allowed|is it (?:legal|allowed|ok|okay)|do (?:they|collectors) have the right|are they allowed)\b"
REPORTED_REGEX = r"\b(?:said|says|told|tell|threaten\w*|warn\w*)\b"
# A contact verb followed by these is contact with the cardholder, not a child
# ("they called me while I was picking up my kids").
CONTACT_SELF_OBJECTS = frozenset({"me", "us"})
# Per expression (in the order of REGEX_PATTERNS), words (lower-cased tokens)
# one of which every match contains: an expression runs only on texts holding
# one of them (checked by tests/classifiers/test_rules.py), which keeps long
# narratives cheap.
_COME = ("came", "come", "comes", "coming", "showed", "show", "shows", "showing", "turned", "turn",
         "turns", "turning", "walked", "walk", "stopped", "stop", "dropped", "drop", "swung", "barged")
_PILLS = ("pills", "meds", "medication", "medicine", "tablets")
REGEX_TRIGGERS: dict[str, list[tuple[str, ...]]] = {
    "violence_threat": [
        ("regret", "sorry"), ("regret", "sorry"), ("happen",), ("happen",), ("shame", "pity"),
        ("happens", "happen", "comes"), ("watch",), ("shoulder",), ("know", "knows"),
        ("know", "knows", "knew"), ("know", "knows"), ("hurt",), ("send", "sending"),
        ("deal", "deals", "care", "handle", "handles", "visit", "visits"), ("care",), ("safe",),
        ("break", "smash", "bust", "slash", "burn", "torch", "wreck", "vandalize", "vandalise", "trash"),
        ("find", "hunt"), ("dead", "ditch", "bag", "river", "morgue", "under", "wheelchair", "hospital"),
        ("love", "care"), ("careful",),
    ],
    "self_harm": [
        ("end", "ending", "ended"), ("off",), _PILLS, _PILLS, ("wake",), ("wish",), ("point", "reason"),
        ("point",), ("easier", "better"), ("jump", "jumping", "jumped"), ("dying", "being", "existing"),
        ("die",), ("myself", "self"),
        ("road", "bridge", "cliff", "tree", "wall", "lake", "traffic", "river"),
    ],
    "home_or_work_visit": [
        _COME,
        ("waiting", "waited", "lurking", "loitering", "parked", "parking", "sitting", "sat",
         "standing", "stood", "hanging", "hung", "camped", "camping"),
        ("follow", "followed", "following", "follows"),
        ("knock", "knocked", "knocking", "knocks", "bang", "banged", "banging", "bangs", "pound",
         "pounded", "pounding", "kick", "kicked", "kicking"),
        ("send", "sent", "sending"), ("visit",),
        ("doorstep", "doorsteps", "door", "step", "porch", "steps", "lawn", "gate"),
    ],
    "_minor": [
        ("grade", "grader", "graders"),
        ("kindergartner", "kindergartener", "preschooler", "schooler", "elementary", "junior",
         "freshman", "sophomore"),
    ],
    "_arrest": [
        ("take", "taking", "took", "haul", "hauling", "hauled", "drag", "dragging", "dragged",
         "cart", "carting", "carted"),
        ("cuffs", "handcuffs", "cuff"),
        ("lock", "locked", "locking", "throw", "threw", "throwing", "put", "putting"),
        ("spend",),
    ],
}
