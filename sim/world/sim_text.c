/* sim_text: prose in the upstream's style (see sim_text.h). */
#include "sim_text.h"

#include <stdio.h>
#include <string.h>

#include "sim_rng.h"

#define SIM_TEXT_N(a) (sizeof(a) / sizeof((a)[0]))
#define SIM_TEXT_PICK(a, h) ((a)[(h) % SIM_TEXT_N(a)])

/* Copies tmpl into out with its one "@" replaced by value (no printf formats from tables). */
static void
sim_text_fill(const char *tmpl, const char *value, char *out, size_t outlen)
{
	const char *at = strchr(tmpl, '@');

	if (at == NULL)
		snprintf(out, outlen, "%s", tmpl);
	else
		snprintf(out, outlen, "%.*s%s%s", (int)(at - tmpl), tmpl, value, at + 1);
}

static const char *const sim_text_sponsors_gb[] = {
	"Every Race Live On Racing TV", "Bet £20 Get £20 With Unibet", "William Hill Keep Your Raceday Positive",
	"Sky Sports Racing HD Virgin 535", "Download The Betfred App", "Coral Racing Club",
	"Ladbrokes Watch Racing Online For Free", "Boylesports Bet Builder", "British Stallion Studs EBF",
	"Racing Welfare", "Best Odds Guaranteed At Bet365", "talkSPORT BET", "BetMGM", "Pertemps Network",
	"Injured Jockeys Fund", "Follow At The Races On X", "Virgin Bet Daily Price Boosts",
	"Quinnbet Acca Bonus", "Join The Racing Club", "Free Tips Daily On attheraces.com",
	"Midnite Same Race Multi", "Star Sports Bet With The Best", "Spreadex Sports",
};

static const char *const sim_text_sponsors_ire[] = {
	"Irish Stallion Farms EBF", "Friday Night Lights At", "Tote Ireland", "Adare Manor",
	"Hollywoodbets", "Irish Injured Jockeys", "Boylesports", "Racing Post", "Paddy Power",
	"Follow Us On Instagram", "Book Your Summer Party At",
};

static const char *const sim_text_suffix[] = {
	" (GBB Race)", " (Div I)", " (Div II)", " (London Middle Distance Series Qualifier)",
	" (GBBPlus Race)", " (Qualifier)", " (Series Final)",
};

static const char *
sim_text_kind(const struct sim_world_race *r, uint64_t h)
{
	int fm = strcmp(r->sex_rest, "") != 0;

	switch (r->type) {
	case SIM_WORLD_FLAT:
		if (*r->pattern != '\0')
			return h % 2 ? "Stakes" : "Conditions Stakes";
		if (r->age_max == 2)
			return r->handicap ? "Nursery Handicap" : (h % 2 ? "Maiden Stakes" : "Novice Stakes");
		if (r->handicap)
			return fm ? "Fillies' Handicap" : (h % 6 == 0 ? "Apprentice Handicap" : "Handicap");
		return fm ? "Fillies' Novice Stakes" : (h % 2 ? "Maiden Stakes" : "Novice Stakes");
	case SIM_WORLD_HURDLE:
		if (r->handicap)
			return fm ? "Mares' Handicap Hurdle" : "Handicap Hurdle";
		return h % 3 == 0 ? "Maiden Hurdle" : (fm ? "Mares' Novices' Hurdle" : "Novices' Hurdle");
	case SIM_WORLD_CHASE:
		if (r->handicap)
			return h % 3 == 0 ? "Novices' Handicap Chase" : "Handicap Chase";
		return h % 2 ? "Novices' Chase" : "Beginners' Chase";
	default:
		return r->meeting->course->ire ? "INH Flat Race" : "Standard Open NH Flat Race";
	}
}

void
sim_text_race_name(const struct sim_world_race *r, uint64_t h, char *out, size_t outlen)
{
	uint64_t a = sim_rng_next(h), b = sim_rng_next(a);
	const char *kind = sim_text_kind(r, a), *suffix = "";

	/* Series and divisions; only divisions in Ireland. */
	if (b % 9 == 0)
		suffix = r->meeting->course->ire ? SIM_TEXT_PICK(sim_text_suffix, 1 + (b >> 8) % 2) : SIM_TEXT_PICK(sim_text_suffix, b >> 8);

	if (r->meeting->course->ire) {
		const char *sp = SIM_TEXT_PICK(sim_text_sponsors_ire, h);
		size_t n = strlen(sp);

		/* "Friday Night Lights At Dundalk Handicap" */
		if (n > 3 && strcmp(sp + n - 3, " At") == 0)
			snprintf(out, outlen, "%s %s %s%s", sp, r->meeting->course->name, kind, suffix);
		else
			snprintf(out, outlen, "%s %s%s", sp, kind, suffix);
	} else if (h % 7 == 0) {
		snprintf(out, outlen, "Visit %s Racecourse %s%s", r->meeting->course->name, kind, suffix);
	} else {
		snprintf(out, outlen, "%s %s%s", SIM_TEXT_PICK(sim_text_sponsors_gb, h), kind, suffix);
	}
	/* Irish AW course names carry "(AW)", which race names do not. */
	{
		char *aw = strstr(out, " (AW)");

		if (aw != NULL)
			memmove(aw, aw + 5, strlen(aw + 5) + 1);
	}
}

static const char *const sim_text_open[] = {
	"Never dangerous in useful maiden when last seen", "Reliable since joining this yard",
	"Ran well from a poor draw last time", "Off the mark in a weak race last month",
	"Disappointing when favourite last time", "Consistent sort who rarely runs a bad race",
	"Has been knocking on the door lately", "Improved for the step up in trip last time",
	"Made a promising debut", "Well held in better company recently",
	"Back to form with a solid effort last time", "Slipped to a handy mark",
};

static const char *const sim_text_close[] = {
	"may improve at this level", "reasonable chance assuming @ handles this extra yardage",
	"one to keep on side", "needs to bounce back", "each-way claims", "looks held off this mark",
	"could go well with a clear round", "market support would be a positive",
	"worth another chance", "has more to prove", "should be thereabouts",
};

void
sim_text_comment(uint64_t h, int female, char *out, size_t outlen)
{
	char close[128];

	sim_text_fill(SIM_TEXT_PICK(sim_text_close, h >> 8), female ? "she" : "he", close, sizeof(close));
	snprintf(out, outlen, "%s; %s", SIM_TEXT_PICK(sim_text_open, h), close);
}

void
sim_text_spotlight(uint64_t h, int female, const char *trainer, char *out, size_t outlen)
{
	static const char *const first[] = {
		"Absent since never dangerous in a useful maiden at the Newmarket July festival",
		"Off the mark on second start for @", "Runner-up to a progressive rival last time",
		"Ex-Irish; showed ability in bumpers", "Well beaten after a break last time",
		"Has run creditably in defeat in a couple of handicaps for @",
	};
	static const char *const second[] = {
		"may do better now handicapping and upped further in trip",
		"reasonable chance assuming that @ is effective over this longer trip",
		"market support would heighten interest", "likely to go close again",
		"others make more appeal", "needs to bounce back but not one to write off",
	};
	char a[192], b[160];

	sim_text_fill(SIM_TEXT_PICK(first, h), trainer, a, sizeof(a));
	sim_text_fill(SIM_TEXT_PICK(second, h >> 8), female ? "she" : "he", b, sizeof(b));
	snprintf(out, outlen, "%s; %s.", a, b);
}

/* Writes s in capitals (ASCII letters only: accents stay as they are). */
static void
sim_text_upper(const char *s, char *out, size_t outlen)
{
	size_t i = 0;

	for (; s[i] != '\0' && i + 1 < outlen; i++)
		out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
	out[i] = '\0';
}

void
sim_text_verdict(uint64_t h, const char *tip, const char *other, char *out, size_t outlen)
{
	static const char *const forms[][3] = {
		{ "The Verdict comprises the interesting handicap debutants ", " and ", "." },
		{ "", " was unlucky last time and can go one better, with ", " the danger." },
		{ "", " gets the vote on the pick of the form, ahead of ", "." },
		{ "", " is weighted to go close; ", " is the pick of the rest." },
	};
	const char *const *f = forms[h % 4];
	char up[64];

	sim_text_upper(tip, up, sizeof(up));
	snprintf(out, outlen, "%s%s%s%s%s", f[0], up, f[1], other, f[2]);
}

void
sim_text_running(uint64_t h, int position, int runners, char *out, size_t outlen)
{
	static const char *const early[] = {
		"In touch with leaders", "Midfield", "Prominent", "Towards rear", "Led early - soon prominent",
		"Took keen hold - soon midfield", "Dwelt start - in rear", "Held up in rear",
	};
	static const char *const win[] = {
		"headway from over 1f out - led inside final furlong - kept on",
		"switched left and headway from over 1f out - soon ridden - kept on to lead inside final 110yds",
		"led over 2f out - ridden clear - comfortably",
	};
	static const char *const placed[] = {
		"headway up the centre from over 2f out - kept on inside final furlong",
		"challenging from over 2f out - no extra final 110yds", "went second towards finish",
		"ridden over 1f out - kept on same pace",
	};
	static const char *const beaten[] = {
		"weakened from over 1f out", "never dangerous", "outpaced from over 3f out - weakened",
		"lost ground over 5f out - no impression", "always behind",
	};
	static const char *const fell[] = { "pulled up before 2 out", "fell 3 out", "unseated rider 4th" };
	static const char *const market[] = { "", "", "(op 15/2 tchd 9/1)", "(op 10/3)", "(tchd 11/1 and tchd 16/1)", "(op 25/1)" };
	const char *middle;

	if (position == 0)
		middle = SIM_TEXT_PICK(fell, h >> 4);
	else if (position == 1)
		middle = SIM_TEXT_PICK(win, h >> 4);
	else if (position <= 3 || position * 2 <= runners)
		middle = SIM_TEXT_PICK(placed, h >> 4);
	else
		middle = SIM_TEXT_PICK(beaten, h >> 4);
	snprintf(out, outlen, "%s - %s%s", SIM_TEXT_PICK(early, h), middle, SIM_TEXT_PICK(market, h >> 12));
}

const char *
sim_text_nr_reason(uint64_t h)
{
	static const char *const reasons[] = {
		"self certificate, coughing", "vet's certificate, lame", "self certificate, unsuitable ground",
		"going", "self certificate, not eaten up", "vet's certificate, bruised foot", "",
	};

	return SIM_TEXT_PICK(reasons, h);
}

void
sim_text_quote(uint64_t h, char *out, size_t outlen)
{
	static const char *const quotes[] = {
		"We really loved the way he won his point-to-point, coming from off the pace in a slowly run race. He's grown a lot since then so we've given him time.",
		"She's training well at home and the plan is to go hurdling in the summer as she likes nice ground.",
		"He'll reappear in a handicap and I think he could be very nice, but he's still a baby.",
		"Good ground will suit and we'll be aiming a bit higher later in the season.",
	};

	snprintf(out, outlen, "%s %02d-%02d-%02d", SIM_TEXT_PICK(quotes, h), 1 + (int)((h >> 8) % 28),
	    1 + (int)((h >> 16) % 12), 23 + (int)((h >> 24) % 2));
}
