/* sim_courses: the course table (see sim_courses.h). */
#include "sim_courses.h"

static const struct sim_courses_course sim_courses_table[] = {
	{ "crs_832", "Aintree", 0, 'J' },
	{ "crs_52", "Ascot", 0, 'M' },
	{ "crs_78", "Ayr", 0, 'M' },
	{ "crs_104", "Bangor-on-Dee", 0, 'J' },
	{ "crs_130", "Bath", 0, 'F' },
	{ "crs_156", "Beverley", 0, 'F' },
	{ "crs_182", "Brighton", 0, 'F' },
	{ "crs_208", "Carlisle", 0, 'M' },
	{ "crs_234", "Cartmel", 0, 'J' },
	{ "crs_260", "Catterick", 0, 'M' },
	{ "crs_286", "Cheltenham", 0, 'J' },
	{ "crs_312", "Chepstow", 0, 'M' },
	{ "crs_338", "Chester", 0, 'F' },
	{ "crs_364", "Doncaster", 0, 'M' },
	{ "crs_390", "Epsom", 0, 'F' },
	{ "crs_416", "Exeter", 0, 'J' },
	{ "crs_442", "Fakenham", 0, 'J' },
	{ "crs_16004", "Ffos Las", 0, 'M' },
	{ "crs_468", "Fontwell", 0, 'J' },
	{ "crs_494", "Goodwood", 0, 'F' },
	{ "crs_520", "Hamilton", 0, 'F' },
	{ "crs_546", "Haydock", 0, 'M' },
	{ "crs_572", "Hereford", 0, 'J' },
	{ "crs_598", "Hexham", 0, 'J' },
	{ "crs_624", "Huntingdon", 0, 'J' },
	{ "crs_650", "Kelso", 0, 'J' },
	{ "crs_676", "Kempton", 0, 'J' },
	{ "crs_28054", "Kempton (AW)", 0, 'A' },
	{ "crs_780", "Leicester", 0, 'M' },
	{ "crs_806", "Lingfield", 0, 'M' },
	{ "crs_1738", "Lingfield (AW)", 0, 'A' },
	{ "crs_858", "Ludlow", 0, 'J' },
	{ "crs_884", "Market Rasen", 0, 'J' },
	{ "crs_910", "Musselburgh", 0, 'M' },
	{ "crs_936", "Newbury", 0, 'M' },
	{ "crs_962", "Newcastle", 0, 'J' },
	{ "crs_30496", "Newcastle (AW)", 0, 'A' },
	{ "crs_988", "Newmarket", 0, 'F' },
	{ "crs_1014", "Newmarket (July)", 0, 'F' },
	{ "crs_1040", "Newton Abbot", 0, 'J' },
	{ "crs_1066", "Nottingham", 0, 'F' },
	{ "crs_1092", "Perth", 0, 'J' },
	{ "crs_1118", "Plumpton", 0, 'J' },
	{ "crs_1144", "Pontefract", 0, 'F' },
	{ "crs_1170", "Redcar", 0, 'F' },
	{ "crs_1196", "Ripon", 0, 'F' },
	{ "crs_1222", "Salisbury", 0, 'F' },
	{ "crs_1248", "Sandown", 0, 'M' },
	{ "crs_1274", "Sedgefield", 0, 'J' },
	{ "crs_1300", "Southwell", 0, 'J' },
	{ "crs_1326", "Southwell (AW)", 0, 'A' },
	{ "crs_1352", "Stratford", 0, 'J' },
	{ "crs_1378", "Taunton", 0, 'J' },
	{ "crs_1404", "Thirsk", 0, 'F' },
	{ "crs_1430", "Uttoxeter", 0, 'J' },
	{ "crs_1456", "Warwick", 0, 'J' },
	{ "crs_1482", "Wetherby", 0, 'M' },
	{ "crs_1508", "Wincanton", 0, 'J' },
	{ "crs_1534", "Windsor", 0, 'F' },
	{ "crs_1560", "Wolverhampton (AW)", 0, 'A' },
	{ "crs_1586", "Worcester", 0, 'J' },
	{ "crs_1612", "Yarmouth", 0, 'F' },
	{ "crs_1638", "York", 0, 'F' },
	{ "crs_9982", "Chelmsford (AW)", 0, 'A' },
	{ "crs_4368", "Ballinrobe", 1, 'M' },
	{ "crs_4394", "Bellewstown", 1, 'M' },
	{ "crs_4420", "Clonmel", 1, 'J' },
	{ "crs_4446", "Cork", 1, 'M' },
	{ "crs_4472", "Curragh", 1, 'F' },
	{ "crs_4498", "Down Royal", 1, 'M' },
	{ "crs_4524", "Downpatrick", 1, 'J' },
	{ "crs_29588", "Dundalk (AW)", 1, 'A' },
	{ "crs_4576", "Fairyhouse", 1, 'J' },
	{ "crs_4602", "Galway", 1, 'M' },
	{ "crs_4628", "Gowran Park", 1, 'M' },
	{ "crs_4654", "Kilbeggan", 1, 'J' },
	{ "crs_4680", "Killarney", 1, 'M' },
	{ "crs_4706", "Laytown", 1, 'F' },
	{ "crs_4732", "Leopardstown", 1, 'M' },
	{ "crs_4758", "Limerick", 1, 'M' },
	{ "crs_4784", "Listowel", 1, 'M' },
	{ "crs_4810", "Naas", 1, 'M' },
	{ "crs_4836", "Navan", 1, 'M' },
	{ "crs_4862", "Punchestown", 1, 'J' },
	{ "crs_4888", "Roscommon", 1, 'M' },
	{ "crs_4914", "Sligo", 1, 'M' },
	{ "crs_4940", "Thurles", 1, 'M' },
	{ "crs_4966", "Tipperary", 1, 'M' },
	{ "crs_4992", "Tramore", 1, 'M' },
	{ "crs_5018", "Wexford", 1, 'M' },
};

size_t
sim_courses_count(void)
{
	return sizeof(sim_courses_table) / sizeof(sim_courses_table[0]);
}

const struct sim_courses_course *
sim_courses_get(size_t i)
{
	return i < sim_courses_count() ? &sim_courses_table[i] : NULL;
}

const char *
sim_courses_region(int ire)
{
	return ire ? "IRE" : "GB";
}

const char *
sim_courses_region_lower(int ire)
{
	return ire ? "ire" : "gb";
}

const char *
sim_courses_region_name(int ire)
{
	return ire ? "Ireland" : "Great Britain";
}
