"""The on-disk cache of the gazetteer's name tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.enrich import geo_tables


def test_cache_path_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = geo_tables.cache_path("latin:de")
    assert path.parent == tmp_path / "newsstream"
    assert path.name.startswith("geo-latin-de-") and path.suffix == ".pickle"


def test_an_upgrade_removes_only_its_own_keys_old_tables(tmp_path: Path) -> None:
    current = tmp_path / f"geo-latin-{'1' * 16}.pickle"
    stale = tmp_path / f"geo-latin-{'2' * 16}.pickle"
    other_key = tmp_path / f"geo-latin-de-{'2' * 16}.pickle"  # "latin:de" is its own table
    unrelated = tmp_path / "geo-latin-notes.pickle"
    for path in (current, stale, other_key, unrelated):
        path.write_bytes(b"x")
    geo_tables._drop_stale("latin", current)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (current, other_key, unrelated)
    )


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # Demonyms of countries beyond the dozen most named, in the languages with a table.
        ("Le président algérien a limogé son Premier ministre.", "DZ"),
        ("Las autoridades cubanas liberaron a varios presos.", "CU"),
        ("Die niederländische Polizei nahm zwei Männer fest.", "NL"),
        ("O governo moçambicano declarou estado de emergência.", "MZ"),
        ("La guardia costiera libica ha soccorso i migranti.", "LY"),
        # At the start of a sentence, with a capital.
        ("Ägyptische Behörden meldeten einen Anschlag.", "EG"),
        ("Marokkaanse jongeren demonstreerden in de stad.", "MA"),
        ("Афганские беженцы пересекли границу.", "AF"),
        ("Czeski rząd podał się do dymisji.", "CZ"),
        # Polish "Czech" (genitive of "Czechy") is the country, not English's demonym.
        ("Rząd Czech zatwierdził budżet na przyszły rok.", "CZ"),
        # The seat of a government standing for it, inflected like a place.
        ("В Кремле отвергли предложение.", "RU"),
        ("В Белом доме прошла встреча.", "US"),
        ("W Białym Domu odbyło się spotkanie.", "US"),
        ("La Casa Blanca anunció nuevas sanciones.", "US"),  # not the Mexican town
        ("La Maison Blanche a démenti.", "US"),
        ("クレムリンは提案を拒否した。", "RU"),
        # Big cities whose name differs by language: their own ("Milano") and others'.
        ("A Milano la polizia ha sgomberato un edificio occupato.", "IT"),
        ("In Mailand demonstrierten Tausende gegen die Regierung.", "IT"),
        ("Protest rolników w Mediolanie zgromadził tysiące osób.", "IT"),
        ("Münih'te güvenlik konferansı başladı.", "DE"),
        ("El alcalde de Nueva York anunció un plan.", "US"),
        ("In Den Haag werd gedemonstreerd tegen het kabinet.", "NL"),
        # Nouns for a country's people, inflected ("Schweizer" is also an adjective).
        ("Die Schweizer stimmen am Sonntag über die Rentenreform ab.", "CH"),
        ("Tausende Syrern wurde Schutz gewährt.", "SY"),
        ("Украинцы получили новую партию вооружений.", "UA"),
        ("Переговоры с американцами прошли успешно.", "US"),
        ("Німці обіцяють нові системи ППО.", "DE"),
        ("Chińczycy budują nową fabrykę baterii.", "CN"),
        ("Nederlanders fietsen vaker naar hun werk.", "NL"),
        ("Amerikalılar sandık başına gitti.", "US"),
        # A visit to a country, written with its one-character name ("come to Japan").
        ("フランスの大統領が来日し、首相と会談した。", "FR,JP"),
        ("中韓外相会談が開かれた。", "CN,KR"),
        ("방미 중인 외교부 장관이 기자회견을 했다.", "US"),
        ("国务卿访韩期间会见了议员。", "KR"),
        # Provinces and prefectures of two characters, a Korean city's GeoNames name less
        # its " 시", and Chinese short names of US states.
        ("四川发生5.8级地震。", "CN"),
        ("北海道で震度5強の地震。", "JP"),
        ("경기도 수원시에서 화재가 발생했다.", "KR"),
        ("오사카 엑스포가 개막했다.", "JP"),
        ("加州山火造成数千人撤离。", "US"),
        ("سیل در استان خوزستان خسارت زیادی وارد کرد.", "IR"),  # Iran's provinces
        # Regions by their everyday names, district towns, West Bank towns.
        ("На Харківщині ворог обстріляв два села.", "UA"),
        ("В Подмосковье открыли новую станцию метро.", "RU"),
        ("কক্সবাজারে রোহিঙ্গা শিবিরে আগুন।", "BD"),
        ("দার্জিলিংয়ে পর্যটকের ভিড়।", "IN"),
        ("اقتحام قوات الاحتلال مدينة جنين في الضفة الغربية.", "PS"),
        # A translated country name never takes a big city's own name ("Salvador" is
        # French for El Salvador, "Granada" Spanish for Grenada).
        ("Em Salvador, na Bahia, o carnaval atraiu milhões.", "BR"),
        ("Un terremoto sacudió Granada y Almería.", "ES"),
        ("Le président du Salvador a été réélu.", "SV"),
        ("O governador do Paraná sancionou a lei.", "BR"),
        # Two demonyms joined by a hyphen both count ("latino-americano" still does not).
        ("Merz und Macron wollen die deutsch-französische Zusammenarbeit stärken.", "DE,FR"),
        ("Sino-US trade talks resumed in Geneva.", "CH,CN,US"),
        # Regions named by an adjective and their administrative noun, in any case.
        ("Губернатор Курской области сообщил об атаке беспилотников.", "RU"),
        ("В Краснодарском крае прошли сильные ливни.", "RU"),
        ("Жители Харьковской области эвакуированы.", "UA"),
        ("У Курській області пролунали вибухи.", "RU"),
        ("W województwie śląskim doszło do wypadku.", "PL"),
        ("Kosowo ogłosiło przedterminowe wybory.", "XK"),  # CLDR's name, a user-assigned code
        # Governorates of war news in Arabic; a person named Salah al-Din is not one.
        ("قتل ثلاثة أشخاص في هجوم بمحافظة نينوى.", "IQ"),
        ("انفجار عبوة ناسفة في محافظة صلاح الدين.", "IQ"),
        ("التقى صلاح الدين محمد بزملائه في النادي.", ""),
        ("سيول جارفة تضرب محافظة حضرموت.", "YE"),  # "سيول", floods, is not Seoul
        ("德法两国领导人在柏林举行会谈。", "DE,FR"),
        # A city's adjective names its country as the city does; not a physicist's name
        # or a dish.
        ("Die Münchner Sicherheitskonferenz beginnt am Freitag.", "DE"),
        ("Die Wiener Stadtregierung plant neue Radwege.", "AT"),
        ("Der Physiker Norbert Wiener gilt als Begründer der Kybernetik.", ""),
        ("Er bestellte einen Hamburger mit Pommes.", ""),
        ("Er isst gern Wiener Würstchen mit Senf.", ""),  # a dish, blocked
        ("La police parisienne a interpellé deux hommes.", "FR"),
        ("A prefeitura carioca anunciou novas regras para o carnaval.", "BR"),
        ("Московские власти ввели новые ограничения.", "RU"),  # not Moskovsky, Tajikistan
        ("De Vlaamse regering bereikt een akkoord over de begroting.", "BE"),
        # Regions of world news by their names in other languages; "Northern Ireland" is
        # not Ireland.
        ("In Schottland wird ein neues Parlament gewählt.", "GB"),
        ("En Irlande du Nord, des loyalistes ont manifesté.", "GB"),
        ("В Стране Басков прошли региональные выборы.", "ES"),
        ("W Irlandii Północnej doszło do zamieszek.", "GB"),
        ("加泰罗尼亚爆发大规模抗议。", "ES"),
        ("In Vlaanderen en Wallonië wordt gestaakt.", "BE"),
        # Capitals by names the packaged sources do not give in that language.
        ("প্রধানমন্ত্রী নয়াদিল্লিতে পৌঁছেছেন।", "IN"),
        ("加拿大总理在渥太华发表讲话。", "CA"),
        ("La BCE, à Francfort, a relevé ses taux.", "DE"),
        # Chinese sides (美方) only where 方 does not start the next word; Japanese offices.
        ("我们可以方便地使用这款软件。", ""),
        ("在道德方面存在争议。", ""),
        # A people's plural in Bengali; a city whose stem changes by case; Hong Kong's
        # government.
        ("যুক্তরাষ্ট্রের নিউইয়র্কে বাংলাদেশিদের বিক্ষোভ।", "BD,US"),
        ("У Кривому Розі внаслідок атаки загинули троє людей.", "UA"),
        ("港府宣布新一轮消费券计划。", "HK"),
        ("美方面临压力。", "US"),
        ("美军在中东增派兵力。", "US"),
        ("仏大統領が首相と電話会談した。", "FR"),
        ("単独首相会談が行われた。", ""),
        # Provinces of Indonesia, under island groups in ISO 3166-2; every country's
        # regions in Chinese and Japanese, so that "昆士兰州" is not "兰州" (Lanzhou) and
        # "ニューサウスウェールズ" not Wales; a katakana name is no part of a longer word.
        ("Kebakaran hutan di Riau menyebabkan kabut asap tebal.", "ID"),
        ("昆士兰州暴发洪水。", "AU"),
        ("ニューサウスウェールズ州で山火事が発生した。", "AU"),
        ("専門家はワクチン接種を呼びかけている。", ""),  # not Kuching
        ("チリソースを使った料理が人気だ。", ""),  # not Chile
        # Polish plural region adjectives open sentences; French people by each part.
        ("Lubelscy policjanci zatrzymali sprawców napadu.", "PL"),
        ("Les Néo-Zélandais votent pour renouveler leur Parlement.", "NZ"),
        # Everyday words: Arabic "the new", Persian "two", Indonesian "shares" in a
        # title-case headline (a town of Oman in the English gazetteer).
        ("قالت الشركة إن النظارات الجديدة تدعم 12 لغة.", ""),
        ("قیمتی بالاتر از دو هزار دلار راهی بازار می‌شود.", ""),
        ("IHSG Ditutup Menguat, Saham Perbankan Jadi Penopang Utama", ""),
        # Cities of world news and towns of Urdu news the packaged sources lack.
        ("مذاکرات هسته‌ای در ژنو ادامه می‌یابد.", "CH"),
        ("گوادر بندرگاہ سے پہلا بڑا تجارتی جہاز روانہ ہو گیا۔", "PK"),
        # Capitals in scripts without letter case; "在华盛顿" is "in Washington", not "in
        # China"; Ukrainian locatives of -г nouns and -ці plurals; a city as one part of a
        # hyphenated town's name is not that city.
        ("堪培拉宣布新的移民政策。", "AU"),
        ("分析人士认为，在华盛顿对盟友加征关税的背景下，两国需要加强合作。", "US"),
        ("Наступне засідання Ради ЄС відбудеться в Люксембурзі.", "LU"),
        ("У Чернівцях завершили реставрацію фасаду театру.", "UA"),
        ("Затримали орендаря земельної ділянки поблизу Білгорода-Дністровського.", ""),
        ("Indien und Saudiarabien signalisierten Zustimmung.", "IN,SA"),
        # "Metro" (an Indonesian city) is a word, Portuguese "Plano" a plan, "Portuguesa"
        # the adjective (a state of Venezuela too); Rwandans; Palestinians are not
        # Eritreans (a catalog's Persian name of Eritrea); West Bengal's districts.
        ("A Metro do Porto anunciou uma nova linha até Vila Nova de Gaia.", "PT"),
        ("O Plano de Recuperação prevê novos investimentos nas escolas.", ""),
        ("As forças ruandesas destacadas na região apoiam o exército.", "RW"),
        ("غزہ میں اسرائیلی فضائی حملے، 50 سے زائد فلسطینی جاں بحق", "IL,PS"),
        ("বাঁকুড়া ও পুরুলিয়ায় তীব্র তাপপ্রবাহ, স্কুলে আগাম গরমের ছুটি", "IN"),
        ("इंदौर में नकली दवा बनाने वाली फैक्ट्री का भंडाफोड़", "IN"),
        ("独仏首脳が電話で会談した。", "DE,FR"),
        ("Nowe połączenie promowe z Gdyni rusza w maju.", "PL"),
    ],
)
def test_localised_names_resolve(text: str, country: str) -> None:
    from streams.enrich import enrich_text

    assert enrich_text(text).countries == (country.split(",") if country else [])


def test_a_capitalised_demonym_never_takes_a_country_name_spelt_the_same() -> None:
    from streams.enrich import gazetteer

    hits = gazetteer.find("Suiza y Austria firmaron el acuerdo.", "es")
    assert [(h.place.country, h.place.kind) for h in hits] == [("CH", "country"), ("AT", "country")]


@pytest.mark.parametrize(
    "text",
    [
        "Peter Schweizer sagte am Montag, die Lage sei ernst.",  # a surname after a given name
        "Юрий Поляков заявил журналистам.",  # a surname that is also a plural's genitive
        "Este año la economía creció.",  # Spanish "this", not the German noun for Estonians
        "東京は日中は晴れる見込みです。"[3:],  # "during the day", not Japan and China
        "今日台風が上陸した。",  # "today" + "typhoon", not Japan and Taiwan
        "对美好生活的向往",  # "towards a good life", not "towards the US"
        "방한 용품 판매가 늘었다.",  # "winter goods", not "a visit to Korea"
        "경기 침체 우려가 커지고 있다.",  # "the economy", not Gyeonggi province
        "石川選手がゴールを決め、チームは勝利した。",  # a surname, not Ishikawa prefecture
        "北海油田の生産が減少した。",  # the North Sea, not Hokkaido
        "パラリンピックが開幕した。",  # not Pará (Brazil), a foreign state in katakana
        "这块玻璃很厚。",  # "glass", not Perlis (Malaysia)
        "개성이 강한 디자인",  # "individuality", not Kaesong
        "وصل الوفد إلى المدينة صباحا.",  # "the city", not Medina
        "La cumbre latino-americana terminó sin acuerdo.",  # Latin American, not American
    ],
)
def test_a_nationality_word_in_a_name_or_another_language_names_no_country(text: str) -> None:
    from streams.enrich import enrich_text

    assert enrich_text(text).countries == []


def test_a_capital_by_its_local_name_weighs_as_its_english_name() -> None:
    """CLDR's "Roma" is Rome: a capital beside another country's city still counts."""
    from streams.enrich import enrich_text

    text = "Il governo di Roma firma un accordo con Tripoli sui migranti."
    assert enrich_text(text).countries == ["IT", "LY"]


def test_a_portuguese_adjective_in_a_name_is_not_a_venezuelan_state() -> None:
    from streams.enrich import enrich_text

    assert (
        "VE" not in enrich_text("A Agência Portuguesa do Ambiente alertou a população.").countries
    )
