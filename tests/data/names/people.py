"""Public people named in several scripts, for the name-matching test set (``make_pairs.py``).

Every name is as published by the cited source (a sanctions list, an
official or encyclopaedic biography, or reporting on transnational
repression); the scripts are labelled so a result can be read per script
pair. Near misses are pairs of different people whose names share parts;
those marked "constructed" are a real name changed by one character or
syllable (a homophone, a dropped syllable) and name nobody.
"""

SOURCES = {
    "OFAC-2020-07-09": "U.S. Treasury, 'Treasury Sanctions Chinese Entity and Officials Pursuant to Global Magnitsky', 9 July 2020 (SDN list entries)",
    "OFAC-2020-07-31": "U.S. Treasury, 'Treasury Sanctions Chinese Entity and Officials' (XPCC), 31 July 2020",
    "EU-2021-478": "Council Implementing Regulation (EU) 2021/478 of 22 March 2021 (global human rights sanctions), Annex",
    "OFAC-2018-11-15": "U.S. Treasury, 'Treasury Sanctions 17 Individuals for Their Roles in the Killing of Jamal Khashoggi', 15 November 2018",
    "UK-2020-07-06": "UK Global Human Rights sanctions designations, 6 July 2020 (Khashoggi killing)",
    "OFAC-2022-02-25": "U.S. Treasury, sanctions on Vladimir Putin and Sergey Lavrov, 25 February 2022",
    "OFAC-2017-12-20": "U.S. Treasury, Global Magnitsky designation of Ramzan Kadyrov, 20 December 2017",
    "OFAC-2018-03-15": "U.S. Treasury, designation of Yevgeniy Prigozhin (Internet Research Agency), 2018",
    "EU-2020-1648": "Council Implementing Regulation (EU) 2020/1648 (Belarus), listing of Aliaksandr Lukashenka",
    "UN-QDi.006": "UN Security Council Consolidated List, QDi.006 (Aiman Muhammed Rabi al-Zawahiri) with its aliases",
    "UN-LYi.011": "UN Security Council Consolidated List, Libya sanctions entry for Muammar Qadhafi",
    "UN-QDi.-UBL": "UN Security Council Al-Qaida sanctions list, former entry for Usama bin Laden",
    "EU-2011-SY": "Council Decision 2011/273/CFSP (Syria), listing of Bashar al-Assad",
    "OFAC-2019-06-24": "U.S. Treasury / Executive Order 13876, designation of Ali Khamenei, 24 June 2019",
    "OFAC-2019-11-04": "U.S. Treasury, designation of Ebrahim Raisi, 4 November 2019",
    "OFAC-2007-SOLEIMANI": "U.S. Treasury SDN entry for Qasem Soleimani (IRGC-QF)",
    "WIKI": "Wikipedia biographies in the languages of each script (article titles and lead sentences)",
    "FH-2021": "Freedom House, 'Out of Sight, Not Out of Reach' (2021) and its country case studies",
    "AI-2020": "Amnesty International, 'Nowhere feels safe' (2020), on Uyghurs abroad",
    "RFA": "Radio Free Asia Uyghur service reporting, names in Uyghur and English",
    "DOJ-2022-ALINEJAD": "U.S. Department of Justice, charges in the plot against Masih Alinejad (2021-2022)",
    "KG-BERLIN-2021": "Kammergericht Berlin judgment on the killing of Zelimkhan Khangoshvili (December 2021), as reported",
    "constructed": "a real name changed by one character or syllable: names nobody, for near-miss testing",
}

# id: (source, [(script, name), ...])
PEOPLE = {
    "chen-quanguo": (
        "OFAC-2020-07-09",
        [
            ("han", "陈全国"),
            ("han-trad", "陳全國"),
            ("latin-pinyin", "Chen Quanguo"),
            ("latin-wg", "Ch'en Ch'üan-kuo"),
            ("latin-pinyin", "Quanguo Chen"),
            ("latin-pinyin", "CHEN Quan Guo"),
        ],
    ),
    "zhu-hailun": (
        "EU-2021-478",
        [
            ("han", "朱海仑"),
            ("han-trad", "朱海侖"),
            ("latin-pinyin", "Zhu Hailun"),
            ("latin-wg", "Chu Hai-lun"),
            ("latin-pinyin", "Hailun Zhu"),
        ],
    ),
    "wang-junzheng": (
        "EU-2021-478",
        [
            ("han", "王君正"),
            ("latin-pinyin", "Wang Junzheng"),
            ("latin-wg", "Wang Chün-cheng"),
            ("latin-pinyin", "Junzheng Wang"),
        ],
    ),
    "wang-mingshan": (
        "EU-2021-478",
        [("han", "王明山"), ("latin-pinyin", "Wang Mingshan"), ("latin-wg", "Wang Ming-shan")],
    ),
    "chen-mingguo": (
        "EU-2021-478",
        [
            ("han", "陈明国"),
            ("han-trad", "陳明國"),
            ("latin-pinyin", "Chen Mingguo"),
            ("latin-wg", "Ch'en Ming-kuo"),
        ],
    ),
    "huo-liujun": (
        "OFAC-2020-07-09",
        [
            ("han", "霍留军"),
            ("han-trad", "霍留軍"),
            ("latin-pinyin", "Huo Liujun"),
            ("latin-wg", "Huo Liu-chün"),
        ],
    ),
    "sun-jinlong": (
        "OFAC-2020-07-31",
        [
            ("han", "孙金龙"),
            ("han-trad", "孫金龍"),
            ("latin-pinyin", "Sun Jinlong"),
            ("latin-wg", "Sun Chin-lung"),
        ],
    ),
    "peng-jiarui": (
        "OFAC-2020-07-31",
        [("han", "彭家瑞"), ("latin-pinyin", "Peng Jiarui"), ("latin-wg", "P'eng Chia-jui")],
    ),
    "xi-jinping": (
        "WIKI",
        [
            ("han", "习近平"),
            ("han-trad", "習近平"),
            ("latin-pinyin", "Xi Jinping"),
            ("latin-wg", "Hsi Chin-p'ing"),
            ("cyrl", "Си Цзиньпин"),
        ],
    ),
    "li-keqiang": (
        "WIKI",
        [
            ("han", "李克强"),
            ("han-trad", "李克強"),
            ("latin-pinyin", "Li Keqiang"),
            ("latin-wg", "Li K'o-ch'iang"),
        ],
    ),
    "wang-yi": ("WIKI", [("han", "王毅"), ("latin-pinyin", "Wang Yi"), ("cyrl", "Ван И")]),
    "hu-lianhe": (
        "WIKI",
        [
            ("han", "胡联合"),
            ("han-trad", "胡聯合"),
            ("latin-pinyin", "Hu Lianhe"),
            ("latin-wg", "Hu Lien-ho"),
        ],
    ),
    "ilham-tohti": (
        "WIKI",
        [
            ("ug-arab", "ئىلھام توختى"),
            ("latin", "Ilham Tohti"),
            ("ug-latin", "Ilham Toxti"),
            ("ug-cyrl", "Илһам Тохти"),
            ("ug-han", "伊力哈木·土赫提"),
            ("latin-tr", "İlham Tohti"),
        ],
    ),
    "rebiya-kadeer": (
        "WIKI",
        [
            ("ug-arab", "رابىيە قادىر"),
            ("latin", "Rebiya Kadeer"),
            ("ug-latin", "Rabiye Qadir"),
            ("ug-cyrl", "Рабийә Қадир"),
            ("ug-han", "热比娅·卡德尔"),
            ("latin-tr", "Rabia Kadir"),
        ],
    ),
    "dolkun-isa": (
        "FH-2021",
        [
            ("ug-arab", "دولقۇن ئەيسا"),
            ("latin", "Dolkun Isa"),
            ("ug-latin", "Dolqun Eysa"),
            ("ug-cyrl", "Долқун Әйса"),
            ("ug-han", "多里坤·艾沙"),
        ],
    ),
    "shohrat-zakir": (
        "WIKI",
        [
            ("ug-arab", "شۆھرەت زاكىر"),
            ("latin", "Shohrat Zakir"),
            ("ug-latin", "Shöhret Zakir"),
            ("ug-cyrl", "Шөһрәт Закир"),
            ("ug-han", "雪克来提·扎克尔"),
        ],
    ),
    "nur-bekri": (
        "WIKI",
        [
            ("ug-arab", "نۇر بەكرى"),
            ("latin", "Nur Bekri"),
            ("ug-cyrl", "Нур Бәкри"),
            ("ug-han", "努尔·白克力"),
        ],
    ),
    "erkin-tuniyaz": (
        "WIKI",
        [("ug-arab", "ئەركىن تۇنىياز"), ("latin", "Erkin Tuniyaz"), ("ug-han", "艾尔肯·吐尼亚孜")],
    ),
    "rahile-dawut": (
        "AI-2020",
        [
            ("ug-arab", "راھىلە داۋۇت"),
            ("latin", "Rahile Dawut"),
            ("ug-han", "热依拉·达吾提"),
            ("latin-tr", "Rahile Davut"),
        ],
    ),
    "tashpolat-tiyip": (
        "WIKI",
        [
            ("ug-arab", "تاشپولات تېيىپ"),
            ("latin", "Tashpolat Tiyip"),
            ("ug-latin", "Tashpolat Téyip"),
            ("ug-han", "塔西甫拉提·特依拜"),
        ],
    ),
    "abduweli-ayup": (
        "RFA",
        [("ug-arab", "ئابدۇۋەلى ئايۇپ"), ("latin", "Abduweli Ayup"), ("ug-cyrl", "Абдувели Аюп")],
    ),
    "gulchehra-hoja": (
        "RFA",
        [
            ("ug-arab", "گۈلچېھرە خوجا"),
            ("latin", "Gulchehra Hoja"),
            ("ug-latin", "Gülchéhre Xoja"),
            ("ug-cyrl", "Гүлчеһрә Хоҗа"),
        ],
    ),
    "mihrigul-tursun": (
        "AI-2020",
        [("ug-arab", "مىھرىگۈل تۇرسۇن"), ("latin", "Mihrigul Tursun"), ("ug-han", "米日古丽·图尔逊")],
    ),
    "vladimir-putin": (
        "OFAC-2022-02-25",
        [
            ("cyrl", "Владимир Путин"),
            ("latin", "Vladimir Putin"),
            ("latin-de", "Wladimir Putin"),
            ("latin-fr", "Vladimir Poutine"),
            ("latin", "Vladimir Vladimirovich Putin"),
            ("cyrl", "Владимир Владимирович Путин"),
            ("latin-tr", "Vladimir Putin"),
        ],
    ),
    "ramzan-kadyrov": (
        "OFAC-2017-12-20",
        [
            ("cyrl", "Рамзан Кадыров"),
            ("latin", "Ramzan Kadyrov"),
            ("latin-de", "Ramsan Kadyrow"),
            ("latin", "Ramzan Akhmatovich Kadyrov"),
        ],
    ),
    "alexei-navalny": (
        "WIKI",
        [
            ("cyrl", "Алексей Навальный"),
            ("latin", "Alexei Navalny"),
            ("latin-bgn", "Aleksey Navalnyy"),
            ("latin-iso9", "Aleksej Naval'nyj"),
            ("latin-de", "Alexej Nawalny"),
            ("latin-fr", "Alexeï Navalny"),
            ("latin-icao", "Aleksei Navalnyi"),
        ],
    ),
    "yevgeny-prigozhin": (
        "OFAC-2018-03-15",
        [
            ("cyrl", "Евгений Пригожин"),
            ("latin-bgn", "Yevgeniy Prigozhin"),
            ("latin", "Evgeny Prigozhin"),
            ("latin-de", "Jewgeni Prigoschin"),
            ("latin-fr", "Evgueni Prigojine"),
            ("latin-icao", "Evgenii Prigozhin"),
        ],
    ),
    "alexander-lukashenko": (
        "EU-2020-1648",
        [
            ("cyrl", "Александр Лукашенко"),
            ("latin", "Alexander Lukashenko"),
            ("latin-be", "Aliaksandr Lukashenka"),
            ("cyrl-be", "Аляксандр Лукашэнка"),
            ("latin-fr", "Alexandre Loukachenko"),
            ("latin-de", "Alexander Lukaschenko"),
        ],
    ),
    "kassym-jomart-tokayev": (
        "WIKI",
        [
            ("cyrl-kk", "Қасым-Жомарт Тоқаев"),
            ("cyrl", "Касым-Жомарт Токаев"),
            ("latin", "Kassym-Jomart Tokayev"),
            ("latin-kk", "Qasym-Jomart Toqaev"),
        ],
    ),
    "shavkat-mirziyoyev": (
        "WIKI",
        [
            ("cyrl", "Шавкат Мирзиёев"),
            ("latin", "Shavkat Mirziyoyev"),
            ("latin-tr", "Şevket Mirziyoyev"),
            ("latin-de", "Schawkat Mirsijojew"),
        ],
    ),
    "sadyr-japarov": (
        "WIKI",
        [
            ("cyrl", "Садыр Жапаров"),
            ("latin", "Sadyr Japarov"),
            ("latin-bgn", "Sadyr Zhaparov"),
            ("latin-tr", "Sadır Caparov"),
        ],
    ),
    "emomali-rahmon": (
        "WIKI",
        [
            ("cyrl", "Эмомали Рахмон"),
            ("latin", "Emomali Rahmon"),
            ("latin", "Emomalii Rahmon"),
            ("latin-de", "Emomalij Rachmon"),
        ],
    ),
    "zelimkhan-khangoshvili": (
        "KG-BERLIN-2021",
        [
            ("cyrl", "Зелимхан Хангошвили"),
            ("latin", "Zelimkhan Khangoshvili"),
            ("latin-de", "Selimchan Changoschwili"),
        ],
    ),
    "jamal-khashoggi": (
        "FH-2021",
        [
            ("ar", "جمال خاشقجي"),
            ("latin", "Jamal Khashoggi"),
            ("latin-tr", "Cemal Kaşıkçı"),
            ("latin", "Jamal Khashukji"),
        ],
    ),
    "saud-al-qahtani": (
        "OFAC-2018-11-15",
        [
            ("ar", "سعود القحطاني"),
            ("latin", "Saud al-Qahtani"),
            ("latin", "Saud Al Qahtani"),
            ("latin-fr", "Saoud al-Qahtani"),
            ("latin-tr", "Suud el-Kahtani"),
        ],
    ),
    "maher-mutreb": (
        "OFAC-2018-11-15",
        [
            ("ar", "ماهر عبدالعزيز مطرب"),
            ("latin", "Maher Abdulaziz Mutreb"),
            ("latin", "Maher Abdelaziz Motreb"),
            ("latin", "Mahir Mutrib"),
        ],
    ),
    "ahmed-asiri": (
        "UK-2020-07-06",
        [
            ("ar", "أحمد عسيري"),
            ("latin", "Ahmed Asiri"),
            ("latin", "Ahmad al-Asiri"),
            ("latin-tr", "Ahmed el-Asiri"),
        ],
    ),
    "mohammed-bin-salman": (
        "WIKI",
        [
            ("ar", "محمد بن سلمان"),
            ("latin", "Mohammed bin Salman"),
            ("latin", "Muhammad ibn Salman"),
            ("latin", "Mohammad bin Salman Al Saud"),
            ("latin-tr", "Muhammed bin Selman"),
        ],
    ),
    "loujain-al-hathloul": (
        "FH-2021",
        [
            ("ar", "لجين الهذلول"),
            ("latin", "Loujain al-Hathloul"),
            ("latin", "Lujain al-Hathlul"),
            ("latin", "Loujain Alhathloul"),
        ],
    ),
    "abdel-fattah-el-sisi": (
        "WIKI",
        [
            ("ar", "عبد الفتاح السيسي"),
            ("latin", "Abdel Fattah el-Sisi"),
            ("latin", "Abdul Fattah al-Sisi"),
            ("latin-fr", "Abdel Fattah al-Sissi"),
            ("latin-tr", "Abdülfettah es-Sisi"),
        ],
    ),
    "ayman-al-zawahiri": (
        "UN-QDi.006",
        [
            ("ar", "أيمن الظواهري"),
            ("latin", "Ayman al-Zawahiri"),
            ("latin-de", "Aiman al-Sawahiri"),
            ("latin", "Ayman al-Zawahry"),
            ("latin", "Aiman Muhammed Rabi al-Zawahiri"),
        ],
    ),
    "muammar-gaddafi": (
        "UN-LYi.011",
        [
            ("ar", "معمر القذافي"),
            ("latin", "Muammar Gaddafi"),
            ("latin", "Moammar Qadhafi"),
            ("latin", "Muammar al-Qaddafi"),
            ("latin-fr", "Mouammar Kadhafi"),
            ("latin-tr", "Muammer Kaddafi"),
        ],
    ),
    "bashar-al-assad": (
        "EU-2011-SY",
        [
            ("ar", "بشار الأسد"),
            ("latin", "Bashar al-Assad"),
            ("latin-de", "Baschar al-Assad"),
            ("latin-fr", "Bachar el-Assad"),
            ("latin-tr", "Beşar Esad"),
        ],
    ),
    "osama-bin-laden": (
        "UN-QDi.-UBL",
        [
            ("ar", "أسامة بن لادن"),
            ("latin", "Osama bin Laden"),
            ("latin", "Usama bin Ladin"),
            ("latin-fr", "Oussama ben Laden"),
            ("latin-tr", "Usame bin Ladin"),
        ],
    ),
    "khalifa-haftar": (
        "WIKI",
        [
            ("ar", "خليفة حفتر"),
            ("latin", "Khalifa Haftar"),
            ("latin-de", "Chalifa Haftar"),
            ("latin", "Khalifa Hifter"),
            ("latin-tr", "Halife Hafter"),
        ],
    ),
    "alaa-abd-el-fattah": (
        "FH-2021",
        [
            ("ar", "علاء عبد الفتاح"),
            ("latin", "Alaa Abd El-Fattah"),
            ("latin", "Alaa Abdel Fattah"),
            ("latin", "Alaa Abdelfattah"),
        ],
    ),
    "ruhollah-zam": (
        "FH-2021",
        [("fa", "روح‌الله زم"), ("latin", "Ruhollah Zam"), ("latin", "Rouhollah Zam")],
    ),
    "jamshid-sharmahd": (
        "FH-2021",
        [("fa", "جمشید شارمهد"), ("latin", "Jamshid Sharmahd"), ("latin-de", "Djamshid Sharmahd")],
    ),
    "masih-alinejad": (
        "DOJ-2022-ALINEJAD",
        [
            ("fa", "مسیح علی‌نژاد"),
            ("latin", "Masih Alinejad"),
            ("latin-de", "Masih Alinedschad"),
            ("latin", "Masih Ali Nejad"),
        ],
    ),
    "ali-khamenei": (
        "OFAC-2019-06-24",
        [
            ("fa", "علی خامنه‌ای"),
            ("latin", "Ali Khamenei"),
            ("latin-de", "Ali Chamenei"),
            ("latin-tr", "Ali Hamaney"),
            ("latin", "Ali Khamene'i"),
        ],
    ),
    "ebrahim-raisi": (
        "OFAC-2019-11-04",
        [
            ("fa", "ابراهیم رئیسی"),
            ("latin", "Ebrahim Raisi"),
            ("latin", "Ibrahim Raisi"),
            ("latin-fr", "Ebrahim Raïssi"),
            ("latin-tr", "İbrahim Reisi"),
        ],
    ),
    "qasem-soleimani": (
        "OFAC-2007-SOLEIMANI",
        [
            ("fa", "قاسم سلیمانی"),
            ("latin", "Qasem Soleimani"),
            ("latin", "Ghasem Soleimani"),
            ("latin", "Qassem Suleimani"),
            ("latin-tr", "Kasım Süleymani"),
        ],
    ),
    "narges-mohammadi": (
        "WIKI",
        [("fa", "نرگس محمدی"), ("latin", "Narges Mohammadi"), ("latin", "Nargis Mohammadi")],
    ),
    "nasrin-sotoudeh": (
        "WIKI",
        [("fa", "نسرین ستوده"), ("latin", "Nasrin Sotoudeh"), ("latin", "Nasrin Sotudeh")],
    ),
    "recep-tayyip-erdogan": (
        "WIKI",
        [
            ("latin-tr", "Recep Tayyip Erdoğan"),
            ("latin", "Recep Tayyip Erdogan"),
            ("cyrl", "Реджеп Тайип Эрдоган"),
            ("ar", "رجب طيب أردوغان"),
            ("han", "雷杰普·塔伊普·埃尔多安"),
        ],
    ),
    "fethullah-gulen": (
        "WIKI",
        [
            ("latin-tr", "Fethullah Gülen"),
            ("latin", "Fethullah Gulen"),
            ("cyrl", "Фетхуллах Гюлен"),
            ("ar", "فتح الله غولن"),
        ],
    ),
    "hakan-fidan": ("WIKI", [("latin-tr", "Hakan Fidan"), ("cyrl", "Хакан Фидан"), ("ar", "هاكان فيدان")]),
}

# Different people whose names share parts (or homophones): (a, b, source) with a and b ids in
# PEOPLE or a name list of their own in OTHERS.
OTHERS = {
    # Homophones: the same pinyin, other characters; only their characters tell them apart.
    "wang-junzheng-homophone": ("constructed", [("han", "王俊正")]),
    "wang-yi-homophone": ("constructed", [("han", "王义")]),
    "zhu-hailin": ("constructed", [("han", "朱海林"), ("latin-pinyin", "Zhu Hailin")]),
    "sun-jilong": ("constructed", [("han", "孙吉龙"), ("latin-pinyin", "Sun Jilong")]),
    "li-qiang": ("WIKI", [("han", "李强"), ("latin-pinyin", "Li Qiang")]),
    "xi-zhongxun": ("WIKI", [("han", "习仲勋"), ("latin-pinyin", "Xi Zhongxun")]),
    "wang-wei": ("constructed", [("han", "王伟"), ("latin-pinyin", "Wang Wei")]),
    "ilham-aliyev": (
        "WIKI",
        [("latin", "Ilham Aliyev"), ("cyrl", "Ильхам Алиев"), ("latin-az", "İlham Əliyev")],
    ),
    "shohret-hoshur": ("RFA", [("ug-arab", "شۆھرەت ھوشۇر"), ("latin", "Shohret Hoshur")]),
    "isa-yusuf-alptekin": ("WIKI", [("latin", "Isa Yusuf Alptekin"), ("ug-arab", "ئەيسا يۈسۈپ ئالپتېكىن")]),
    "erkin-sidick": ("WIKI", [("latin", "Erkin Sidick"), ("ug-arab", "ئەركىن سىدىق")]),
    "rahima-mahmut": ("WIKI", [("latin", "Rahima Mahmut"), ("ug-arab", "راھىمە مەھمۇت")]),
    "vladimir-potanin": ("WIKI", [("latin", "Vladimir Potanin"), ("cyrl", "Владимир Потанин")]),
    "akhmad-kadyrov": ("WIKI", [("latin", "Akhmad Kadyrov"), ("cyrl", "Ахмат Кадыров")]),
    "alexei-kudrin": ("WIKI", [("latin", "Alexei Kudrin"), ("cyrl", "Алексей Кудрин")]),
    "yevgeny-primakov": ("WIKI", [("latin", "Yevgeny Primakov"), ("cyrl", "Евгений Примаков")]),
    "viktor-lukashenko": ("WIKI", [("latin", "Viktor Lukashenko"), ("cyrl", "Виктор Лукашенко")]),
    "adnan-khashoggi": ("WIKI", [("latin", "Adnan Khashoggi"), ("ar", "عدنان خاشقجي")]),
    "mohammed-bin-nayef": ("WIKI", [("latin", "Mohammed bin Nayef"), ("ar", "محمد بن نايف")]),
    "salman-bin-abdulaziz": ("WIKI", [("latin", "Salman bin Abdulaziz"), ("ar", "سلمان بن عبد العزيز")]),
    "saud-al-faisal": ("WIKI", [("latin", "Saud al-Faisal"), ("ar", "سعود الفيصل")]),
    "ahmed-mansoor": ("WIKI", [("latin", "Ahmed Mansoor"), ("ar", "أحمد منصور")]),
    "hafez-al-assad": ("WIKI", [("latin", "Hafez al-Assad"), ("ar", "حافظ الأسد")]),
    "maher-al-assad": ("WIKI", [("latin", "Maher al-Assad"), ("ar", "ماهر الأسد")]),
    "saif-al-islam-gaddafi": ("WIKI", [("latin", "Saif al-Islam Gaddafi"), ("ar", "سيف الإسلام القذافي")]),
    "hamza-bin-laden": ("WIKI", [("latin", "Hamza bin Laden"), ("ar", "حمزة بن لادن")]),
    "ali-larijani": ("WIKI", [("latin", "Ali Larijani"), ("fa", "علی لاریجانی")]),
    "mojtaba-khamenei": ("WIKI", [("latin", "Mojtaba Khamenei"), ("fa", "مجتبی خامنه‌ای")]),
    "ebrahim-yazdi": ("WIKI", [("latin", "Ebrahim Yazdi"), ("fa", "ابراهیم یزدی")]),
    "erdogan-bayraktar": ("WIKI", [("latin-tr", "Erdoğan Bayraktar")]),
    "abdel-fattah-al-burhan": ("WIKI", [("latin", "Abdel Fattah al-Burhan"), ("ar", "عبد الفتاح البرهان")]),
    "muhammad-salih": ("constructed", [("latin", "Muhammad Salih"), ("ar", "محمد صالح")]),
    "muhammad-ali": ("constructed", [("latin", "Muhammad Ali"), ("ar", "محمد علي")]),
}

NEAR_MISSES = [
    ("wang-junzheng", "wang-junzheng-homophone"),
    ("wang-yi", "wang-yi-homophone"),
    ("chen-quanguo", "chen-mingguo"),
    ("zhu-hailun", "zhu-hailin"),
    ("sun-jinlong", "sun-jilong"),
    ("li-keqiang", "li-qiang"),
    ("xi-jinping", "xi-zhongxun"),
    ("wang-yi", "wang-wei"),
    ("wang-mingshan", "wang-junzheng"),
    ("ilham-tohti", "ilham-aliyev"),
    ("shohrat-zakir", "shohret-hoshur"),
    ("dolkun-isa", "isa-yusuf-alptekin"),
    ("erkin-tuniyaz", "erkin-sidick"),
    ("rahile-dawut", "rahima-mahmut"),
    ("vladimir-putin", "vladimir-potanin"),
    ("ramzan-kadyrov", "akhmad-kadyrov"),
    ("alexei-navalny", "alexei-kudrin"),
    ("yevgeny-prigozhin", "yevgeny-primakov"),
    ("alexander-lukashenko", "viktor-lukashenko"),
    ("jamal-khashoggi", "adnan-khashoggi"),
    ("mohammed-bin-salman", "mohammed-bin-nayef"),
    ("mohammed-bin-salman", "salman-bin-abdulaziz"),
    ("saud-al-qahtani", "saud-al-faisal"),
    ("ahmed-asiri", "ahmed-mansoor"),
    ("bashar-al-assad", "hafez-al-assad"),
    ("bashar-al-assad", "maher-al-assad"),
    ("muammar-gaddafi", "saif-al-islam-gaddafi"),
    ("osama-bin-laden", "hamza-bin-laden"),
    ("ali-khamenei", "ali-larijani"),
    ("ali-khamenei", "mojtaba-khamenei"),
    ("ebrahim-raisi", "ebrahim-yazdi"),
    ("recep-tayyip-erdogan", "erdogan-bayraktar"),
    ("abdel-fattah-el-sisi", "abdel-fattah-al-burhan"),
    ("abdel-fattah-el-sisi", "alaa-abd-el-fattah"),
    ("muhammad-ali", "muhammad-salih"),
]
