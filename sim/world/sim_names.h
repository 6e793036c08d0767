/*
 * sim_names: proper names in the style of the upstream's data (horses, people,
 * owners, breeders, places), each a pure function of a hash.  UTF-8, with
 * an accent now and then ("Seán", "Élan Royal").  Writers always
 * NUL-terminate out and truncate to outlen; nothing here can fail.
 */
#ifndef SIM_NAMES_H
#define SIM_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* A horse's name without the country suffix: "Bird Of War", "Kinbara". */
void sim_names_horse(uint64_t h, int irish, char *out, size_t outlen);

/* A first name and a surname. */
const char *sim_names_first(uint64_t h, int female, int irish);
const char *sim_names_surname(uint64_t h, int irish);

/* "David Egan", "Seán Flanagan". */
void sim_names_person(uint64_t h, int irish, char *out, size_t outlen);

/* "Jane Chapple-Hyam", "A Fabre", "John & Thady Gosden". */
void sim_names_trainer(uint64_t h, int irish, char *out, size_t outlen);

/* "Lambourn, Berks", "Stamullen, Co Meath". */
void sim_names_location(uint64_t h, int irish, char *out, size_t outlen);

/* "Jastar Capital Limited", "Mrs Fitri Hay", "The Rose Of Kildare Partnership". */
void sim_names_owner(uint64_t h, char *out, size_t outlen);

/* "Newstead Breeding", "Mrs Katrina Mackie". */
void sim_names_breeder(uint64_t h, char *out, size_t outlen);

#endif
