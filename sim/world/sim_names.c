/* sim_names: proper names from word lists (see sim_names.h). */
#include "sim_names.h"

#include <stdio.h>

#include "sim_rng.h"

#define SIM_NAMES_N(a) (sizeof(a) / sizeof((a)[0]))
#define SIM_NAMES_PICK(a, h) ((a)[(h) % SIM_NAMES_N(a)])

static const char *const sim_names_adj[] = {
	"Supreme", "Secret", "Golden", "Silver", "Raging", "Royal", "Noble", "Wild", "Silent",
	"Bold", "Brave", "Lucky", "Mighty", "Swift", "Dancing", "Flying", "Shining", "Hidden",
	"Ancient", "Midnight", "Crimson", "Scarlet", "Velvet", "Rapid", "Gentle", "Fearless",
	"Proud", "Quiet", "Restless", "Roaring", "Rising", "Sacred", "Savage", "Smoky", "Stormy",
	"Sunny", "Wicked", "Wise", "Young", "Blue", "Black", "White", "Red", "Little", "Grand",
	"Great", "Early", "Lone", "Last", "First", "Final", "Free", "Happy", "Jolly", "Merry",
	"Magic", "Mystic", "Northern", "Southern", "Eastern", "Western", "Highland", "Coastal",
	"Desert", "Frozen", "Burning", "Electric", "Cosmic", "Lunar", "Solar", "Starry",
	"Emerald", "Copper", "Iron", "Steel", "Marble", "Crystal", "Diamond", "Sapphire",
	"Ruby", "Amber", "Ivory", "Truly", "Simply", "Divine", "Dashing", "Daring", "Gallant",
	"Handsome", "Lovely", "Perfect", "Precious", "Radiant", "Regal", "Rebel", "Rocking",
	"Sparkling", "Spirited", "Stellar", "Sublime", "Tender", "Vivid", "Whispering",
};

static const char *const sim_names_noun[] = {
	"Dancer", "Testimony", "Warrior", "Dream", "Legend", "Spirit", "Storm", "Thunder",
	"Arrow", "Falcon", "Eagle", "Hawk", "Raven", "Phoenix", "Dragon", "Tiger", "Lion",
	"Wolf", "Fox", "Knight", "King", "Queen", "Prince", "Princess", "Duke", "Baron",
	"Captain", "Admiral", "General", "Hero", "Rogue", "Pirate", "Ranger", "Hunter",
	"Voyager", "Wanderer", "Traveller", "Pilgrim", "Prophet", "Poet", "Artist", "Dreamer",
	"Runner", "Rider", "Flyer", "Sprinter", "Charger", "Chaser", "Gambler", "Banker",
	"Diplomat", "Senator", "Maestro", "Melody", "Harmony", "Rhapsody", "Symphony", "Sonata",
	"Ballad", "Anthem", "Chorus", "Echo", "Whisper", "Shadow", "Mirage", "Horizon",
	"Summit", "Canyon", "River", "Ocean", "Harbour", "Island", "Meadow", "Valley",
	"Forest", "Garden", "Orchard", "Castle", "Tower", "Bridge", "Crown", "Sceptre", "Jewel",
	"Treasure", "Fortune", "Promise", "Glory", "Victory", "Triumph", "Quest", "Journey",
	"Venture", "Mystery", "Riddle", "Spark", "Flame", "Blaze", "Comet", "Meteor", "Star",
	"Moon", "Planet", "Galaxy", "Girl", "Boy", "Lady", "Lad", "Lass", "Gent", "Belle",
	"Special", "Choice", "Affair", "Approach", "Mission", "Moment", "Signal", "Verdict",
};

static const char *const sim_names_of[] = {
	"War", "Gold", "Fire", "Glory", "Light", "Dreams", "Thunder", "Kings", "Hope", "Honour",
	"Steel", "Stars", "Time", "Destiny", "Fortune", "Silver", "Spring", "Summer", "Winter",
	"Autumn", "Dawn", "Dusk", "Night", "Peace", "Power", "Roses", "Avalon", "Kildare",
	"Galway", "Killarney", "Kerry", "Cashel", "Tara", "York", "Arran", "Skye", "Mull",
	"Iona", "Eden", "Troy", "Babylon", "Camelot", "Fashion", "Mischief", "Wonder",
};

static const char *const sim_names_title[] = {
	"Mr", "Mrs", "Miss", "Lady", "Sir", "King", "Queen", "Captain", "Major", "Doctor",
	"Lord", "Prince", "Master", "Little", "Big", "Saint", "Uncle", "Aunt", "Señor", "Madame",
};

static const char *const sim_names_verb[] = {
	"Born To", "Blast The", "Chase The", "Catch The", "Beat The", "Ride The", "Rock The",
	"Raise The", "Call The", "Light The", "Break The", "Cross The", "Follow The",
	"Storm The", "Touch The", "Tap The", "Hold The", "Run The", "Fly The", "Own The",
};

static const char *const sim_names_accented[] = {
	"Élan", "Éclair", "Rosé", "Café", "Déjà Vu", "Fiancé", "Mañana", "Naïve", "Crème",
	"Brûlée", "Noël", "Zoë", "Belle Époque", "Entrée", "Soirée", "Piñata", "Señorita",
	"Chérie", "Étoile", "Ambré", "Réveil", "Côte", "Bien Aimé", "Fête", "Séance",
};

static const char *const sim_names_syl1[] = {
	"Ka", "Ser", "Im", "Ve", "Per", "Lyn", "Zan", "Mo", "Ta", "Ri", "Do", "Le", "Mar", "Sa",
	"Bel", "Cor", "Fa", "Gal", "Ha", "Jo", "Ki", "Lo", "Mi", "Na", "Or", "Pa", "Que",
	"Ro", "Si", "Tri", "Ul", "Va", "Wa", "Xe", "Ya", "Ze", "Al", "Bri", "Cal", "Dan",
};

static const char *const sim_names_syl2[] = {
	"bara", "neque", "perior", "raison", "gola", "eham", "zibar", "rello", "tina", "vada",
	"mira", "ndor", "lessa", "rano", "tello", "vora", "lina", "ssima", "rado", "vello",
	"nara", "sco", "leon", "rissa", "ndo", "tana", "lio", "mar", "rix", "tus", "zia",
	"nova", "lani", "rona", "sita", "ventura", "mosa", "quin", "darra", "lune",
};

static const char *const sim_names_irish_pre[] = {
	"Bally", "Kil", "Glen", "Knock", "Carrig", "Drum", "Inis", "Clon", "Rath", "Dun",
	"Lis", "Tully", "Cappa", "Ard", "Kin", "Mullin", "Bawn", "Derry",
};

static const char *const sim_names_irish_post[] = {
	"linch", "more", "beg", "ross", "gar", "dara", "bara", "lough", "mona", "keel", "cullen",
	"hassig", "glass", "tarsna", "nahinch", "corrig", "anure", "oran", "fadda", "brack",
};

static const char *const sim_names_first_m[] = {
	"David", "Oisin", "Rossa", "Sean", "Daniel", "Tom", "James", "William", "Jack", "Harry",
	"Rob", "Luke", "Kieran", "Neil", "Paul", "Ben", "Brian", "Jason", "Jamie", "Richard",
	"Andrew", "Mark", "Adam", "Callum", "Joe", "Connor", "Alistair", "Warren", "Zak",
	"Silvestre", "Cieren", "Kyle", "Ryan", "Liam", "Ciaran", "Patrick", "Michael", "Declan",
	"Gavin", "Colin", "Shane", "Wayne", "Billy", "Robbie", "Sam", "Charlie", "Archie",
};

static const char *const sim_names_first_f[] = {
	"Hollie", "Jane", "Rachael", "Bryony", "Saffie", "Hayley", "Josephine", "Alice",
	"Charlotte", "Jessica", "Rebecca", "Emma", "Kate", "Lucy", "Sarah", "Megan", "Sophie",
	"Laura", "Amie", "Georgia", "Olivia", "Harriet", "Cindy", "Nicola", "Joanna", "Emily",
};

static const char *const sim_names_first_irish[] = {
	"Seán", "Pádraig", "Dónal", "Ciarán", "Éanna", "Colm", "Cathal", "Darragh", "Oisín",
	"Séamus", "Tadhg", "Ruairí", "Siobhán", "Róisín", "Aoife", "Niamh", "Máire", "Clodagh",
	"Gearóid", "Eoin", "Fionn", "Diarmuid", "Conor", "Dylan", "Gary", "Mikey", "Jody",
};

static const char *const sim_names_surnames[] = {
	"Egan", "Murphy", "Ryan", "Doyle", "Levey", "Hornby", "Fallon", "Morris", "Mitchell",
	"Tudhope", "Watson", "Callan", "Muscutt", "Jakes", "Fentiman", "Rawlinson", "Wheatley",
	"Williamson", "Harvey", "Stevens", "Hayes", "Jones", "Lewis", "Strydom", "Clutterbuck",
	"Balding", "Haggas", "Fanshawe", "Portman", "Evans", "Tregoning", "Menuisier", "Ward",
	"Owen", "Kubler", "Simcock", "Varian", "Moore", "Butler", "Appleby", "Crowley", "Kirby",
	"Dobbin", "Skelton", "Bowen", "Twiston-Davies", "Hobbs", "Nicholls", "Henderson",
	"King", "Scudamore", "Johnson", "Fry", "Tizzard", "Greatrex", "Pauling", "Brooke",
	"Chapple-Hyam", "Fahey", "Dascombe", "Burke", "Tate", "Easterby", "Dods", "Haslam",
	"De Sousa", "Guillambert", "Kingscote", "Marquand", "Keniry", "Pearce", "Charlton",
};

static const char *const sim_names_surnames_irish[] = {
	"O'Brien", "Elliott", "Mullins", "de Bromhead", "Townend", "Kennedy", "Blackmore",
	"Walsh", "Geraghty", "Foley", "Power", "Ó Briain", "Ó Súilleabháin", "Mac Giolla",
	"Ó Murchú", "McMonagle", "Manning", "Lordan", "Heffernan", "Keane", "Lynch", "Orr",
	"Slattery", "Cleary", "Meade", "Harrington", "Bolger", "Weld", "Prendergast", "Hogan",
	"Halford", "McNamara", "Fogarty", "Coen", "Gleeson", "Flanagan", "Ó Ceallaigh",
};

static const char *const sim_names_towns_gb[] = {
	"Lambourn, Berks", "Upper Lambourn, Berks", "Newmarket, Suffolk", "Dalham, Suffolk",
	"Malton, N Yorks", "Middleham Moor, N Yorks", "Middleham, N Yorks", "Musley Bank, N Yorks",
	"Upper Helmsley, N Yorks", "East Appleton, N Yorks", "Kingsclere, Hants", "Epsom, Surrey",
	"Ditcheat, Somerset", "Naunton, Glos", "Cheltenham, Glos", "Jackdaws Castle, Glos",
	"Cartmel, Cumbria", "Penrith, Cumbria", "Hambleton, N Yorks", "Whitsbury, Hants",
	"Pulborough, W Sussex", "Arundel, W Sussex", "Kinnersley, Worcs", "Sheriff Hutton, N Yorks",
	"Chepstow, Monmouths", "Pontypool, Torfaen", "Ayr, S Ayrshire", "Hawick, Borders",
};

static const char *const sim_names_towns_ire[] = {
	"Ballydoyle, Co Tipperary", "Closutton, Co Carlow", "Cullentra, Co Meath",
	"Stamullen, Co Meath", "Draperstown, Co. Derry", "The Curragh, Co Kildare",
	"Fethard, Co Tipperary", "Knockeen, Co Waterford", "Rosewell House, Co Kildare",
	"Piltown, Co Kilkenny", "Kilcullen, Co Kildare", "Castletown, Co Laois",
	"Mallow, Co Cork", "Ballingarry, Co Limerick",
};

static const char *const sim_names_company[] = {
	"Capital Limited", "Print Solutions Ltd", "Racing Club", "Bloodstock Limited",
	"Thoroughbreds Ltd", "Stud Farm Ltd", "Holdings Limited", "Partnership",
	"Syndicate", "Racing Syndicate", "Racing Partnership", "Stables Ltd", "Family",
};

static const char *const sim_names_stud[] = {
	"Stud", "Breeding", "Bloodstock", "Farm", "Farms Ltd", "Stud Ltd", "Park Stud",
	"House Stud", "Thoroughbreds",
};

/* The first letter of name (one UTF-8 character) into out[5]. */
static const char *
sim_names_initial(const char *name, char *out)
{
	size_t n = 1;

	while (n < 4 && ((unsigned char)name[n] & 0xc0) == 0x80)
		n++;
	snprintf(out, 5, "%.*s", (int)n, name);
	return out;
}

void
sim_names_horse(uint64_t h, int irish, char *out, size_t outlen)
{
	uint64_t a = sim_rng_next(h), b = sim_rng_next(a);
	int pattern = (int)(h % 100);

	if (irish && pattern < 15)
		snprintf(out, outlen, "%s%s", SIM_NAMES_PICK(sim_names_irish_pre, a), SIM_NAMES_PICK(sim_names_irish_post, b));
	else if (pattern < 45)
		snprintf(out, outlen, "%s %s", SIM_NAMES_PICK(sim_names_adj, a), SIM_NAMES_PICK(sim_names_noun, b));
	else if (pattern < 58)
		snprintf(out, outlen, "%s Of %s", SIM_NAMES_PICK(sim_names_noun, a), SIM_NAMES_PICK(sim_names_of, b));
	else if (pattern < 68)
		snprintf(out, outlen, "%s %s", SIM_NAMES_PICK(sim_names_title, a),
		    (b & 1) ? SIM_NAMES_PICK(sim_names_noun, b >> 1) : SIM_NAMES_PICK(sim_names_first_m, b >> 1));
	else if (pattern < 85)
		snprintf(out, outlen, "%s%s", SIM_NAMES_PICK(sim_names_syl1, a), SIM_NAMES_PICK(sim_names_syl2, b));
	else if (pattern < 94)
		snprintf(out, outlen, "%s %s", SIM_NAMES_PICK(sim_names_verb, a), SIM_NAMES_PICK(sim_names_noun, b));
	else if (pattern < 97)
		snprintf(out, outlen, "%s %s", SIM_NAMES_PICK(sim_names_accented, a), SIM_NAMES_PICK(sim_names_noun, b));
	else
		snprintf(out, outlen, "%s %s", SIM_NAMES_PICK(sim_names_adj, a), SIM_NAMES_PICK(sim_names_accented, b));
}

const char *
sim_names_first(uint64_t h, int female, int irish)
{
	if (irish && (h & 3) != 0)
		return SIM_NAMES_PICK(sim_names_first_irish, h >> 2);
	return female ? SIM_NAMES_PICK(sim_names_first_f, h >> 2) : SIM_NAMES_PICK(sim_names_first_m, h >> 2);
}

const char *
sim_names_surname(uint64_t h, int irish)
{
	return irish ? SIM_NAMES_PICK(sim_names_surnames_irish, h) : SIM_NAMES_PICK(sim_names_surnames, h);
}

void
sim_names_person(uint64_t h, int irish, char *out, size_t outlen)
{
	uint64_t a = sim_rng_next(h);

	snprintf(out, outlen, "%s %s", sim_names_first(a, h % 5 == 0, irish), sim_names_surname(sim_rng_next(a), irish));
}

void
sim_names_trainer(uint64_t h, int irish, char *out, size_t outlen)
{
	uint64_t a = sim_rng_next(h), b = sim_rng_next(a), c = sim_rng_next(b);
	const char *surname = sim_names_surname(c, irish);
	char ini[5];

	switch (h % 10) {
	case 0:
		snprintf(out, outlen, "%s %s", sim_names_initial(sim_names_first(a, 0, irish), ini), surname);
		break;
	case 1:
		snprintf(out, outlen, "%s & %s %s", sim_names_first(a, 0, irish), sim_names_first(b, 0, irish), surname);
		break;
	case 2:
		snprintf(out, outlen, "Dr %s %s & %s %s", sim_names_first(a, 0, irish), surname,
		    sim_names_first(b, 0, 0), sim_names_surname(sim_rng_next(c), 0));
		break;
	case 3:
	case 4:
		snprintf(out, outlen, "%s %s", sim_names_first(a, 1, irish), surname);
		break;
	default:
		snprintf(out, outlen, "%s %s", sim_names_first(a, 0, irish), surname);
		break;
	}
}

void
sim_names_location(uint64_t h, int irish, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", irish ? SIM_NAMES_PICK(sim_names_towns_ire, h) : SIM_NAMES_PICK(sim_names_towns_gb, h));
}

void
sim_names_owner(uint64_t h, char *out, size_t outlen)
{
	uint64_t a = sim_rng_next(h), b = sim_rng_next(a), c = sim_rng_next(b);
	int irish = (c & 7) == 0;
	char ini[5];

	switch (h % 8) {
	case 0:
		snprintf(out, outlen, "%s %s", SIM_NAMES_PICK(sim_names_adj, a), SIM_NAMES_PICK(sim_names_company, b));
		break;
	case 1:
		snprintf(out, outlen, "The %s Of %s Partnership", SIM_NAMES_PICK(sim_names_noun, a), SIM_NAMES_PICK(sim_names_of, b));
		break;
	case 2:
		snprintf(out, outlen, "Mrs %s %s", sim_names_first(a, 1, irish), sim_names_surname(b, irish));
		break;
	case 3:
		snprintf(out, outlen, "%s %s", sim_names_initial(sim_names_first(a, 0, irish), ini), sim_names_surname(b, irish));
		break;
	case 4:
		snprintf(out, outlen, "%s & %s %s", sim_names_first(a, 0, irish), sim_names_first(c, 1, irish),
		    sim_names_surname(b, irish));
		break;
	default:
		snprintf(out, outlen, "%s %s", sim_names_first(a, (c & 3) == 0, irish), sim_names_surname(b, irish));
		break;
	}
}

void
sim_names_breeder(uint64_t h, char *out, size_t outlen)
{
	uint64_t a = sim_rng_next(h), b = sim_rng_next(a);

	if (h % 3 == 0)
		snprintf(out, outlen, "%s %s", SIM_NAMES_PICK(sim_names_surnames, a), SIM_NAMES_PICK(sim_names_stud, b));
	else if (h % 3 == 1)
		snprintf(out, outlen, "Mrs %s %s", sim_names_first(a, 1, (b & 1) != 0), sim_names_surname(b, (b & 1) != 0));
	else
		sim_names_owner(b, out, outlen);
}
