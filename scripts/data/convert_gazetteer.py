#!/usr/bin/python3
"""Converts the open-admin-data DPRK gazetteer into data/gazetteer/places.jsonl.

Reads ../shared/data/gazetteer-kp/all-province.json and all-county.json (CC BY 4.0,
open-admin-data; 11 provinces, 179 counties) and writes the country entry "plc-kp" and the
province and county part of places.jsonl (docs/formats/gazetteer.md), adding Hangul names,
McCune-Reischauer ("mr") and Revised Romanization ("rr") variants and ISO 3166-2:KP codes from
the tables below. Entries already in places.jsonl that did not come from this script (the
hand-written detention facilities, border crossings and Chinese places) are kept, in their
order, after the converted part, so the script can be re-run at any time.

Usage (from the repository root): /usr/bin/python3 scripts/data/convert_gazetteer.py
        [--src ../shared/data/gazetteer-kp] [--out data/gazetteer/places.jsonl]
"""
import argparse
import json
import os
import re
import sys
import unicodedata

OAD_SOURCE = "open-admin-data (CC BY 4.0)"
COUNTRY_ID = "plc-kp"

COUNTRY = {
    "id": COUNTRY_ID,
    "type": "country",
    "names": [
        {"text": "Democratic People's Republic of Korea", "lang": "en"},
        {"text": "조선민주주의인민공화국", "lang": "ko"},
        {"text": "North Korea", "lang": "en", "variant": "common"},
        {"text": "DPRK", "lang": "en", "variant": "abbr"},
        {"text": "북한", "lang": "ko", "variant": "rok"},
        {"text": "조선", "lang": "ko", "variant": "common"},
        {"text": "Chosŏn Minjujuŭi Inmin Konghwaguk", "lang": "ko-Latn", "variant": "mr"},
    ],
    "parent": None,
    "lat": 40.0,
    "lon": 127.0,
    "codes": {"iso3166": "KP"},
    "source": "Custodian (hand-written)",
    "note": "Coordinates: a rough central point of the country, not a centroid.",
}

# open-admin-data province id -> (ISO 3166-2:KP, type, Hangul, MR, RR, ROK spelling or None,
# common English variants, Korean abbreviation or None). Note: open-admin-data's KP01..KP11
# are its own ids, not ISO codes; the mapping is by name (FACTS.md, ISO 3166-2:KP).
PROVINCES = {
    "KP01": ("KP-10", "province", "량강도", "Ryanggang-do", "Yanggang-do", "양강도", ["Yanggang"], "량강"),
    "KP02": ("KP-09", "province", "함경북도", "Hamgyŏng-bukto", "Hamgyeongbuk-do", None, ["North Hamkyong"], "함북"),
    "KP03": ("KP-08", "province", "함경남도", "Hamgyŏng-namdo", "Hamgyeongnam-do", None, ["South Hamkyong"], "함남"),
    "KP04": ("KP-07", "province", "강원도", "Kangwŏn-do", "Gangwon-do", None, [], None),
    "KP05": ("KP-04", "province", "자강도", "Chagang-do", "Jagang-do", None, ["Chagang"], None),
    "KP06": ("KP-03", "province", "평안북도", "P'yŏngan-bukto", "Pyeonganbuk-do", None, [], "평북"),
    "KP07": ("KP-02", "province", "평안남도", "P'yŏngan-namdo", "Pyeongannam-do", None, [], "평남"),
    "KP08": ("KP-06", "province", "황해북도", "Hwanghae-bukto", "Hwanghaebuk-do", None, [], "황북"),
    "KP09": ("KP-05", "province", "황해남도", "Hwanghae-namdo", "Hwanghaenam-do", None, [], "황남"),
    "KP10": ("KP-01", "special_city", "평양직할시", "P'yŏngyang", "Pyeongyang", None, ["Pyongyang City"], "평양"),
    "KP11": ("KP-14", "special_city", "남포특별시", "Namp'o", "Nampo", None, ["Nampho"], "남포"),
}

# open-admin-data county id -> (Hangul, MR, RR, extra names). Hangul in the DPRK spelling
# (initial ㄹ/ㄴ kept); RR is of the ROK spelling, given in extras as ("ko", text, "rok") when
# it differs. Extras: (lang, text, variant). Counties missing here are those whose Hangul we
# are not sure of; they keep only their open-admin-data name.
COUNTIES = {
    # Ryanggang
    "KP0101": ("혜산시", "Hyesan", "Hyesan", []),
    "KP0102": ("삼수군", "Samsu", "Samsu", []),
    "KP0103": ("김정숙군", None, None, [("ko", "신파군", "former"), ("ko-Latn", "Sinp'a", "former")]),
    "KP0104": ("김형직군", None, None, [("ko", "후창군", "former"), ("ko-Latn", "Huch'ang", "former")]),
    "KP0105": ("김형권군", None, None, [("ko", "풍산군", "former"), ("ko-Latn", "P'ungsan", "former")]),
    "KP0106": ("보천군", "Poch'ŏn", "Bocheon", []),
    "KP0107": ("삼지연시", "Samjiyŏn", "Samjiyeon", [("ko", "삼지연군", "former")]),
    "KP0108": ("대홍단군", "Taehongdan", "Daehongdan", []),
    "KP0109": ("운흥군", "Unhŭng", "Unheung", []),
    "KP0110": ("백암군", "Paegam", "Baegam", []),
    "KP0111": ("갑산군", "Kapsan", "Gapsan", [("en", "Kapsan", "common")]),
    "KP0112": ("풍서군", "P'ungsŏ", "Pungseo", []),
    # North Hamgyong
    "KP0201": ("라선시", "Rasŏn", "Naseon", [("ko", "나선시", "rok"), ("ko", "라선특별시", "official"), ("en", "Rajin-Sonbong", "former")]),
    "KP0202": ("김책시", "Kimch'aek", "Gimchaek", [("ko", "성진시", "former"), ("en", "Songjin", "former")]),
    "KP0203": ("회령시", "Hoeryŏng", "Hoeryeong", []),
    "KP0205": ("청진시", "Ch'ŏngjin", "Cheongjin", []),
    "KP0211": ("길주군", "Kilchu", "Gilju", []),
    "KP0212": ("화대군", "Hwadae", "Hwadae", []),
    "KP0213": ("명천군", "Myŏngch'ŏn", "Myeongcheon", []),
    "KP0214": ("명간군", "Myŏnggan", "Myeonggan", [("ko", "화성군", "other"), ("ko-Latn", "Hwasŏng", "other"), ("en", "Hwasong", "other")]),
    "KP0215": ("어랑군", "Ŏrang", "Eorang", []),
    "KP0216": ("경성군", "Kyŏngsŏng", "Gyeongseong", []),
    "KP0217": ("연사군", "Yŏnsa", "Yeonsa", []),
    "KP0218": ("무산군", "Musan", "Musan", []),
    "KP0219": ("부령군", "Puryŏng", "Buryeong", []),
    "KP0220": ("온성군", "Onsŏng", "Onseong", []),
    "KP0221": ("경원군", "Kyŏngwŏn", "Gyeongwon", [("ko", "새별군", "former"), ("ko-Latn", "Saebyŏl", "former")]),
    "KP0222": ("경흥군", "Kyŏnghŭng", "Gyeongheung", []),
    # South Hamgyong
    "KP0301": ("신포시", "Sinp'o", "Sinpo", []),
    "KP0302": ("단천시", "Tanch'ŏn", "Dancheon", [("en", "Danchon", "common")]),
    "KP0307": ("함흥시", "Hamhŭng", "Hamheung", []),
    "KP0310": ("함주군", "Hamju", "Hamju", []),
    "KP0311": ("영광군", "Yŏnggwang", "Yeonggwang", []),
    "KP0312": ("신흥군", "Sinhŭng", "Sinheung", []),
    "KP0313": ("부전군", "Pujŏn", "Bujeon", []),
    "KP0314": ("장진군", "Changjin", "Jangjin", [("en", "Chosin", "historical")]),
    "KP0315": ("정평군", "Chŏngp'yŏng", "Jeongpyeong", []),
    "KP0316": ("금야군", "Kŭmya", "Geumya", []),
    "KP0317": ("요덕군", "Yodŏk", "Yodeok", []),
    "KP0318": ("고원군", "Kowŏn", "Gowon", []),
    "KP0319": ("락원군", "Ragwŏn", "Nagwon", [("ko", "낙원군", "rok")]),
    "KP0320": ("홍원군", "Hongwŏn", "Hongwon", []),
    "KP0321": ("북청군", "Pukch'ŏng", "Bukcheong", []),
    "KP0322": ("덕성군", "Tŏksŏng", "Deokseong", []),
    "KP0323": ("리원군", "Riwŏn", "Iwon", [("ko", "이원군", "rok")]),
    "KP0324": ("허천군", "Hŏch'ŏn", "Heocheon", []),
    # Kangwon
    "KP0401": ("원산시", "Wŏnsan", "Wonsan", []),
    "KP0402": ("문천시", "Munch'ŏn", "Muncheon", []),
    "KP0403": ("안변군", "Anbyŏn", "Anbyeon", []),
    "KP0404": ("고산군", "Kosan", "Gosan", []),
    "KP0405": ("통천군", "T'ongch'ŏn", "Tongcheon", []),
    "KP0406": ("고성군", "Kosŏng", "Goseong", []),
    "KP0407": ("금강군", "Kŭmgang", "Geumgang", []),
    "KP0408": ("창도군", "Ch'angdo", "Changdo", []),
    "KP0409": ("김화군", "Kimhwa", "Gimhwa", []),
    "KP0410": ("회양군", "Hoeyang", "Hoeyang", []),
    "KP0411": ("세포군", "Sep'o", "Sepo", []),
    "KP0412": ("평강군", "P'yŏnggang", "Pyeonggang", []),
    "KP0413": ("철원군", "Ch'ŏrwŏn", "Cheorwon", []),
    "KP0414": ("이천군", "Ich'ŏn", "Icheon", []),
    "KP0415": ("판교군", "P'an'gyo", "Pangyo", []),
    "KP0416": ("법동군", "Pŏptong", "Beopdong", []),
    "KP0417": ("천내군", "Ch'ŏnnae", "Cheonnae", []),
    # Jagang
    "KP0501": ("강계시", "Kanggye", "Ganggye", []),
    "KP0502": ("만포시", "Manp'o", "Manpo", [("en", "Manpo", "common")]),
    "KP0503": ("희천시", "Hŭich'ŏn", "Huicheon", []),
    "KP0504": ("랑림군", "Rangnim", "Nangnim", [("ko", "낭림군", "rok")]),
    "KP0505": ("전천군", "Chŏnch'ŏn", "Jeoncheon", []),
    "KP0506": ("성간군", "Sŏnggan", "Seonggan", []),
    "KP0507": ("장강군", "Changgang", "Janggang", []),
    "KP0508": ("화평군", "Hwap'yŏng", "Hwapyeong", []),
    "KP0509": ("중강군", "Chunggang", "Junggang", []),
    "KP0510": ("자성군", "Chasŏng", "Jaseong", []),
    "KP0511": ("시중군", "Sijung", "Sijung", []),
    "KP0512": ("위원군", "Wiwŏn", "Wiwon", []),
    "KP0513": ("초산군", "Ch'osan", "Chosan", []),
    "KP0514": ("우시군", "Usi", "Usi", []),
    "KP0515": ("고풍군", "Kop'ung", "Gopung", []),
    "KP0516": ("송원군", "Songwŏn", "Songwon", []),
    "KP0517": ("동신군", "Tongsin", "Dongsin", []),
    "KP0518": ("룡림군", "Ryongnim", "Yongnim", [("ko", "용림군", "rok")]),
    # North Pyongan
    "KP0601": ("신의주시", "Sinŭiju", "Sinuiju", []),
    "KP0602": ("정주시", "Chŏngju", "Jeongju", []),
    "KP0603": ("구성시", "Kusŏng", "Guseong", []),
    "KP0604": ("벽동군", "Pyŏktong", "Byeokdong", []),
    "KP0605": ("피현군", "P'ihyŏn", "Pihyeon", []),
    "KP0606": ("룡천군", "Ryongch'ŏn", "Yongcheon", [("ko", "용천군", "rok")]),
    "KP0607": ("염주군", "Yŏmju", "Yeomju", []),
    "KP0608": ("철산군", "Ch'ŏlsan", "Cheolsan", []),
    "KP0609": ("동림군", "Tongnim", "Dongnim", []),
    "KP0610": ("선천군", "Sŏnch'ŏn", "Seoncheon", []),
    "KP0611": ("곽산군", "Kwaksan", "Gwaksan", []),
    "KP0612": ("운전군", "Unjŏn", "Unjeon", []),
    "KP0613": ("박천군", "Pakch'ŏn", "Bakcheon", []),
    "KP0614": ("녕변군", "Nyŏngbyŏn", "Yeongbyeon", [("ko", "영변군", "rok"), ("en", "Yongbyon", "common")]),
    "KP0615": ("구장군", "Kujang", "Gujang", []),
    "KP0616": ("향산군", "Hyangsan", "Hyangsan", []),
    "KP0617": ("운산군", "Unsan", "Unsan", []),
    "KP0618": ("태천군", "T'aech'ŏn", "Taecheon", []),
    "KP0619": ("천마군", "Ch'ŏnma", "Cheonma", []),
    "KP0620": ("의주군", "Ŭiju", "Uiju", []),
    "KP0621": ("삭주군", "Sakchu", "Sakju", []),
    "KP0622": ("대관군", "Taegwan", "Daegwan", []),
    "KP0623": ("창성군", "Ch'angsŏng", "Changseong", []),
    "KP0624": ("동창군", "Tongch'ang", "Dongchang", []),
    "KP0625": ("신도군", "Sindo", "Sindo", []),
    # South Pyongan
    "KP0701": ("평성시", "P'yŏngsŏng", "Pyeongseong", []),
    "KP0703": ("안주시", "Anju", "Anju", []),
    "KP0704": ("개천시", "Kaech'ŏn", "Gaecheon", []),
    "KP0705": ("순천시", "Sunch'ŏn", "Suncheon", []),
    "KP0706": ("덕천시", "Tŏkch'ŏn", "Deokcheon", []),
    "KP0707": ("대동군", "Taedong", "Daedong", []),
    "KP0708": ("증산군", "Chŭngsan", "Jeungsan", [("en", "Chungsan", "common")]),
    "KP0714": ("평원군", "P'yŏngwŏn", "Pyeongwon", []),
    "KP0715": ("숙천군", "Sukch'ŏn", "Sukcheon", []),
    "KP0716": ("문덕군", "Mundŏk", "Mundeok", []),
    "KP0717": ("성천군", "Sŏngch'ŏn", "Seongcheon", []),
    "KP0718": ("신양군", "Sinyang", "Sinyang", []),
    "KP0719": ("양덕군", "Yangdŏk", "Yangdeok", []),
    "KP0720": ("은산군", "Ŭnsan", "Eunsan", []),
    "KP0721": ("북창군", "Pukch'ang", "Bukchang", [("en", "Bukchang", "common")]),
    "KP0722": ("맹산군", "Maengsan", "Maengsan", []),
    "KP0723": ("회창군", "Hoech'ang", "Hoechang", []),
    "KP0724": ("녕원군", "Nyŏngwŏn", "Yeongwon", [("ko", "영원군", "rok")]),
    "KP0725": ("대흥군", "Taehŭng", "Daeheung", []),
    # North Hwanghae
    "KP0801": ("사리원시", "Sariwŏn", "Sariwon", []),
    "KP0802": ("송림시", "Songnim", "Songnim", []),
    "KP0803": ("개성시", "Kaesŏng", "Gaeseong", []),
    "KP0804": ("장풍군", "Changp'ung", "Jangpung", []),
    "KP0805": ("황주군", "Hwangju", "Hwangju", []),
    "KP0806": ("연탄군", "Yŏnt'an", "Yeontan", []),
    "KP0807": ("봉산군", "Pongsan", "Bongsan", []),
    "KP0808": ("은파군", "Ŭnp'a", "Eunpa", []),
    "KP0809": ("린산군", "Rinsan", "Insan", [("ko", "인산군", "rok")]),
    "KP0810": ("서흥군", "Sŏhŭng", "Seoheung", []),
    "KP0811": ("수안군", "Suan", "Suan", []),
    "KP0812": ("연산군", "Yŏnsan", "Yeonsan", []),
    "KP0813": ("신평군", "Sinp'yŏng", "Sinpyeong", []),
    "KP0814": ("곡산군", "Koksan", "Goksan", []),
    "KP0815": ("신계군", "Sin'gye", "Singye", []),
    "KP0816": ("평산군", "P'yŏngsan", "Pyeongsan", []),
    "KP0817": ("금천군", "Kŭmch'ŏn", "Geumcheon", []),
    "KP0818": ("토산군", "T'osan", "Tosan", []),
    "KP0820": ("강남군", "Kangnam", "Gangnam", []),
    "KP0821": ("중화군", "Chunghwa", "Junghwa", []),
    "KP0822": ("상원군", "Sangwŏn", "Sangwon", []),
    # South Hwanghae
    "KP0901": ("해주시", "Haeju", "Haeju", []),
    "KP0902": ("강령군", "Kangnyŏng", "Gangnyeong", []),
    "KP0903": ("옹진군", "Ongjin", "Ongjin", []),
    "KP0904": ("태탄군", "T'aet'an", "Taetan", []),
    "KP0905": ("장연군", "Changyŏn", "Jangyeon", []),
    "KP0906": ("삼천군", "Samch'ŏn", "Samcheon", []),
    "KP0907": ("송화군", "Songhwa", "Songhwa", []),
    "KP0908": ("은률군", None, None, []),
    "KP0909": ("은천군", "Ŭnch'ŏn", "Euncheon", []),
    "KP0910": ("안악군", "Anak", "Anak", []),
    "KP0911": ("신천군", "Sinch'ŏn", "Sincheon", []),
    "KP0912": ("재령군", "Chaeryŏng", "Jaeryeong", []),
    "KP0913": ("신원군", "Sinwŏn", "Sinwon", []),
    "KP0914": ("봉천군", "Pongch'ŏn", "Bongcheon", []),
    "KP0915": ("배천군", "Paech'ŏn", "Baecheon", []),
    "KP0916": ("연안군", "Yŏnan", "Yeonan", []),
    "KP0917": ("청단군", "Ch'ŏngdan", "Cheongdan", []),
    "KP0918": ("룡연군", "Ryongyŏn", "Yongyeon", [("ko", "용연군", "rok")]),
    "KP0919": ("과일군", "Kwail", "Gwail", []),
    "KP0920": ("벽성군", "Pyŏksŏng", "Byeokseong", []),
    # Pyongyang
    "KP1001": ("평양", "P'yŏngyang", "Pyeongyang", []),
    "KP1007": ("은정구역", "Ŭnjŏng", "Eunjeong", []),
    "KP1023": ("강동군", "Kangdong", "Gangdong", []),
    # Nampo
    "KP1102": ("남포시", "Namp'o", "Nampo", []),
    "KP1103": ("온천군", "Onch'ŏn", "Oncheon", []),
    "KP1104": ("룡강군", "Ryonggang", "Yonggang", [("ko", "용강군", "rok")]),
}

# Notes for entries whose open-admin-data placement or status needs a word.
NOTES = {
    "KP0201": "ISO 3166-2 lists Rason as a first-level special city (KP-13); open-admin-data places it under North Hamgyong.",
    "KP0803": "ISO 3166-2 lists Kaesong as a first-level division (KP-15); open-admin-data places it under North Hwanghae.",
    "KP0214": "Political prison camp No. 16 is known as Hwasong (화성); whether Hwasong is the current name of this county or an alternative one is not verified here.",
    "KP0107": "Samjiyon was raised from county (군) to city (시) in 2019.",
    "KP1001": "open-admin-data's county-level entry for Pyongyang itself; it appears to stand for the city's central districts, which it does not list separately.",
    "KP1102": "open-admin-data's county-level entry for Nampo itself (the city's central area).",
}
TYPE_OVERRIDES = {"KP1001": "city"}
EXTRA_CODES = {"KP0201": {"iso3166_2": "KP-13"}, "KP0803": {"iso3166_2": "KP-15"}}


def slugify(text):
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug:
        raise ValueError("empty slug for %r" % text)
    return slug


def county_slug(name_en):
    """'Hoeryong City' -> 'hoeryong', 'Unjong Dist.' -> 'unjong', 'Kim Jong Suk' -> 'kim-jong-suk'."""
    base = re.sub(r"\s+(City|Dist\.)$", "", name_en)
    return slugify(base)


def county_type(name_en):
    if name_en.endswith(" City"):
        return "city"
    if name_en.endswith(" Dist."):
        return "district"
    return "county"


def number(text, what):
    try:
        return float(text)
    except (TypeError, ValueError):
        raise ValueError("%s: coordinate %r is not a number" % (what, text))


def name(text, lang, variant=None):
    out = {"text": unicodedata.normalize("NFC", text), "lang": lang}
    if variant:
        out["variant"] = variant
    return out


def province_entry(p):
    oad_id = p["id"]
    iso, ptype, hangul, mr, rr, rok, common, abbr = PROVINCES[oad_id]
    en = p["name"]["en"]
    names = [name(en, "en"), name(hangul, "ko")]
    if rok:
        names.append(name(rok, "ko", "rok"))
    if abbr:
        names.append(name(abbr, "ko", "abbr"))
    names += [name(mr, "ko-Latn", "mr"), name(rr, "ko-Latn", "rr")]
    names += [name(c, "en", "common") for c in common]
    return {
        "id": "plc-kp-" + slugify(en),
        "type": ptype,
        "names": names,
        "parent": COUNTRY_ID,
        "lat": number(p["geo"]["lat"], oad_id),
        "lon": number(p["geo"]["lon"], oad_id),
        "codes": {"openadmindata": oad_id, "iso3166_2": iso},
        "source": OAD_SOURCE,
    }


def county_entry(c, province_ids):
    oad_id = c["id"]
    en = c["name"]["en"]
    parent = province_ids[c["parent"]["id"]]
    names = [name(en, "en")]
    short = re.sub(r"\s+(City|Dist\.)$", "", en)
    if short != en:
        names.append(name(short, "en", "common"))
    if oad_id in COUNTIES:
        hangul, mr, rr, extras = COUNTIES[oad_id]
        names.append(name(hangul, "ko"))
        if mr:
            names.append(name(mr, "ko-Latn", "mr"))
        if rr:
            names.append(name(rr, "ko-Latn", "rr"))
        names += [name(text, lang, variant) for lang, text, variant in extras]
    codes = {"openadmindata": oad_id}
    codes.update(EXTRA_CODES.get(oad_id, {}))
    entry = {
        "id": parent + "-" + county_slug(en),
        "type": TYPE_OVERRIDES.get(oad_id) or county_type(en),
        "names": names,
        "parent": parent,
        "lat": number(c["geo"]["lat"], oad_id),
        "lon": number(c["geo"]["lon"], oad_id),
        "codes": codes,
        "source": OAD_SOURCE,
    }
    if oad_id in NOTES:
        entry["note"] = NOTES[oad_id]
    return entry


def converted(src_dir):
    with open(os.path.join(src_dir, "all-province.json"), encoding="utf-8") as f:
        provinces = json.load(f)
    with open(os.path.join(src_dir, "all-county.json"), encoding="utf-8") as f:
        counties = json.load(f)
    unknown = sorted({p["id"] for p in provinces} - set(PROVINCES))
    if unknown:
        raise ValueError("provinces without an ISO mapping: %s" % ", ".join(unknown))
    stale = sorted(set(COUNTIES) - {c["id"] for c in counties})
    if stale:
        raise ValueError("county table has ids not in the source: %s" % ", ".join(stale))

    # Provinces in ISO code order, each followed by its counties in open-admin-data id order.
    provinces.sort(key=lambda p: PROVINCES[p["id"]][0])
    province_ids = {p["id"]: "plc-kp-" + slugify(p["name"]["en"]) for p in provinces}
    by_province = {}
    for c in counties:
        if c["parent"]["id"] not in province_ids:
            raise ValueError("county %s has unknown province %s" % (c["id"], c["parent"]["id"]))
        by_province.setdefault(c["parent"]["id"], []).append(c)
    out = [COUNTRY]
    for p in provinces:
        out.append(province_entry(p))
        for c in sorted(by_province.get(p["id"], []), key=lambda c: c["id"]):
            out.append(county_entry(c, province_ids))
    return out, len(provinces), len(counties)


def hand_written(out_path):
    """Entries of an existing places.jsonl that this script did not write."""
    if not os.path.exists(out_path):
        return []
    kept = []
    with open(out_path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError("%s line %d: %s" % (out_path, line_no, e))
            if entry.get("source") == OAD_SOURCE or entry.get("id") == COUNTRY_ID:
                continue
            kept.append(entry)
    return kept


def check(entries):
    seen = set()
    for e in entries:
        if not re.fullmatch(r"plc-[a-z0-9][a-z0-9-]{0,59}", e["id"]) or e["id"].endswith("-"):
            raise ValueError("bad id %r" % e["id"])
        if e["id"] in seen:
            raise ValueError("duplicate id %r" % e["id"])
        if e.get("parent") is not None and e["parent"] not in seen:
            raise ValueError("%s: parent %r does not come before it" % (e["id"], e["parent"]))
        seen.add(e["id"])


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default=os.path.join(root, "..", "shared", "data", "gazetteer-kp"))
    ap.add_argument("--out", default=os.path.join(root, "data", "gazetteer", "places.jsonl"))
    args = ap.parse_args()
    try:
        entries, n_prov, n_county = converted(args.src)
        kept = hand_written(args.out)
        entries += kept
        check(entries)
    except (OSError, ValueError, KeyError) as e:
        print("convert_gazetteer: %s" % e, file=sys.stderr)
        return 1
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    os.replace(tmp, args.out)
    print("wrote %s: 1 country, %d provinces, %d counties, %d hand-written entries kept"
          % (args.out, n_prov, n_county, len(kept)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
