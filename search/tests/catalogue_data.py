"""A fixed, realistic Swedish test catalogue for search and relevance tests.

Each line: seller item id | name | description | UNSPSC | price | unit | eco-labels (comma) | catalogue key.
Catalogue keys name a supplier on an agreement (see CATALOGUES). Changing a line changes
the relevance figures: keep search/tests/relevance/queries.json in step.
"""

from __future__ import annotations

# key: (supplier name, supplier orgnr, agreement reference, agreement title, open_to_all, preferred_rank, valid)
CATALOGUES = {
    "kontor": ("Kontorsgrossisten AB", "5560160680", "RA-KONTOR-1", "Kontorsmaterial", True, 1, True),
    "kontor2": ("Papperslagret AB", "5565475489", "RA-KONTOR-2", "Kontorsmaterial, andrahandsval", True, 2, True),
    "it": ("Datorbolaget AB", "5566667779", "RA-IT-1", "IT-tillbehör", True, 1, True),
    "stad": ("Renhållarna AB", "5567654321", "RA-STAD-1", "Städ och hygien", True, 1, True),
    "mat": ("Matgrossen AB", "5561234567", "RA-MAT-1", "Livsmedel", False, 1, True),
    "vard": ("Vårdkompaniet AB", "5569876542", "RA-VARD-1", "Vård och omsorg", True, 1, True),
    "mobler": ("Möbelhuset AB", "5562345677", "RA-MOBEL-1", "Möbler", True, 1, True),
    "gammal": ("Utgångna Avtalet AB", "5563456788", "RA-GAMMAL-1", "Utgånget avtal", True, 1, False),
}

ITEMS = """
K-1001|Kopieringspapper A4 80 g 500 ark|Vitt kopieringspapper för skrivare|14111507|54.90|PK|Svanen|kontor
K-1002|Kopieringspapper A3 80 g 500 ark|Kopieringspapper i A3-format|14111507|109.00|PK|Svanen|kontor
K-1003|Kopieringspapper A4 återvunnet 500 ark|Återvunnet papper, grått|14111507|49.00|PK|Svanen,EU Ecolabel|kontor
K-1004|Färgat papper A4 blå 250 ark|Färgat kopieringspapper för utskick|14111507|39.50|PK||kontor
K-1005|Fotopapper A4 blankt 50 ark|Fotopapper för bläckstråleskrivare|14111507|129.00|PK||kontor
K-1006|Kulspetspenna blå 0,7 mm|Kulspetspenna med klick och gummigrepp|44121701|6.50|ST|Svanen|kontor
K-1007|Kulspetspenna svart 10-pack|Kulspetspennor i ask om tio|44121701|49.00|PK||kontor
K-1008|Kulspetspenna röd|Röd kulspetspenna för rättning|44121701|6.50|ST||kontor
K-1009|Gelpenna svart 0,5 mm|Gelpenna med jämnt bläckflöde|44121701|12.90|ST||kontor
K-1010|Blyertspenna HB 12-pack|Blyertspennor med radergummi|44121706|29.00|PK|FSC|kontor
K-1011|Stiftpenna 0,5 mm|Stiftpenna med grepp|44121706|24.00|ST||kontor
K-1012|Överstrykningspenna gul|Märkpenna för överstrykning|44121708|11.00|ST||kontor
K-1013|Överstrykningspennor 4 färger|Överstrykningspennor i fyra färger|44121708|39.00|PK||kontor
K-1014|Whiteboardpenna svart|Whiteboardpenna som går att sudda|44121708|15.00|ST||kontor
K-1015|Whiteboardpennor 4-pack|Whiteboardpennor blandade färger|44121708|55.00|PK||kontor
K-1016|Märkpenna permanent svart|Permanent märkpenna för kartong och plast|44121708|14.00|ST||kontor
K-1017|Radergummi vitt|Radergummi utan PVC|44121804|5.00|ST||kontor
K-1018|Pennvässare metall|Pennvässare med ett hål|44121619|9.00|ST||kontor
K-1019|Häftapparat 24/6|Häftapparat för upp till 25 ark|44121615|119.00|ST||kontor
K-1020|Häftklamrar 24/6 5000 st|Häftklamrar i ask|44122107|19.00|AS||kontor
K-1021|Hålslag 2 hål|Hålslag för 20 ark|44121618|89.00|ST||kontor
K-1022|Gem 28 mm 100 st|Gem i metall|44122104|8.00|AS||kontor
K-1023|Pärm A4 bred svart|Gaffelpärm med ryggficka|44122003|32.00|ST|Svanen|kontor
K-1024|Plastficka A4 100 st|Plastfickor med öppning upptill|44122011|45.00|AS||kontor
K-1025|Register A4 1-12|Register i plast för pärm|44122008|22.00|ST||kontor
K-1026|Anteckningsbok A5 linjerad|Anteckningsbok med hårda pärmar|14111514|35.00|ST|FSC|kontor
K-1027|Anteckningsblock A4 rutat|Anteckningsblock 70 blad|14111514|18.00|ST||kontor
K-1028|Självhäftande lappar 76x76 gul|Självhäftande notislappar|14111514|14.00|BL||kontor
K-1029|Kuvert C5 vitt 500 st|Kuvert med självhäftande förslutning|44121506|249.00|AS|Svanen|kontor
K-1030|Kuvert C4 brunt 250 st|Kuvert för A4 utan vikning|44121506|299.00|AS||kontor
K-1031|Tejp transparent 19 mm|Tejp på rulle|31201503|9.50|RL||kontor
K-1032|Tejphållare|Tejphållare för bordet|44121605|59.00|ST||kontor
K-1033|Sax 21 cm|Kontorssax med mjukt handtag|44121618|45.00|ST||kontor
K-1034|Linjal 30 cm|Linjal i aluminium|41111604|19.00|ST||kontor
K-1035|Limstift 21 g|Limstift utan lösningsmedel|31201610|15.00|ST|Svanen|kontor
K-1036|Etiketter A4 24 per ark|Adressetiketter för laserskrivare|55121606|189.00|PK||kontor
K-1037|Whiteboardtavla 90x120|Magnetisk whiteboardtavla|44111905|1290.00|ST||kontor
K-1038|Whiteboardsudd|Sudd för whiteboardtavla|44111912|39.00|ST||kontor
K-1039|Skrivbordsunderlägg|Skrivunderlägg i kartong|44111503|69.00|ST||kontor
K-1040|Kalender 2026 vecka|Veckokalender med anteckningssidor|14111608|99.00|ST||kontor
P-2001|Kopieringspapper A4 75 g 500 ark|Kopieringspapper till lågt pris|14111507|44.00|PK||kontor2
P-2002|Kulspetspenna blå engångs|Enkel kulspetspenna|44121701|2.90|ST||kontor2
P-2003|Häftapparat liten|Häftapparat för fickan|44121615|39.00|ST||kontor2
P-2004|Pärm A4 smal röd|Gaffelpärm smal|44122003|29.00|ST||kontor2
P-2005|Kuvert C5 vitt 1000 st|Kuvert i storpack|44121506|399.00|AS||kontor2
I-3001|Datormus trådlös|Trådlös optisk mus med USB-mottagare|43211708|199.00|ST||it
I-3002|Datormus med sladd|Optisk mus med USB-sladd|43211708|99.00|ST||it
I-3003|Tangentbord svenskt trådlöst|Trådlöst tangentbord med svensk layout|43211706|349.00|ST||it
I-3004|Tangentbord med sladd svenskt|Tangentbord USB svensk layout|43211706|199.00|ST||it
I-3005|Bildskärm 24 tum|Bildskärm full HD med HDMI|43211902|1890.00|ST|TCO Certified|it
I-3006|Bildskärm 27 tum|Bildskärm QHD med USB-C|43211902|3290.00|ST|TCO Certified|it
I-3007|Laptop 14 tum|Bärbar dator 16 GB minne|43211503|11990.00|ST|TCO Certified|it
I-3008|Dockningsstation USB-C|Dockningsstation för bärbar dator|43211602|1990.00|ST||it
I-3009|Headset med mikrofon|Headset för videomöten med brusreducering|43211607|899.00|ST||it
I-3010|Webbkamera full HD|Webbkamera för videomöten|43211714|749.00|ST||it
I-3011|USB-minne 64 GB|USB-minne med skyddslock|43202005|129.00|ST||it
I-3012|Extern hårddisk 2 TB|Extern hårddisk USB 3|43201803|899.00|ST||it
I-3013|Laserskrivare svartvit|Laserskrivare för kontoret med nätverk|43212105|2490.00|ST|Svanen|it
I-3014|Tonerkassett svart|Tonerkassett till laserskrivare|44103103|890.00|ST||it
I-3015|Bläckpatron svart|Bläckpatron till bläckstråleskrivare|44103105|249.00|ST||it
I-3016|HDMI-kabel 2 m|HDMI-kabel för bildskärm|26121609|99.00|ST||it
I-3017|Nätverkskabel Cat6 3 m|Nätverkskabel för dator|26121609|59.00|ST||it
I-3018|Laddare USB-C 65 W|Laddare för bärbar dator|26111711|399.00|ST||it
I-3019|Förgreningsdosa 5-vägs|Grenuttag med jord|39121402|199.00|ST||it
I-3020|Surfplatta 10 tum|Surfplatta med 128 GB|43211509|4990.00|ST||it
I-3021|Skärmfilter sekretess 24 tum|Sekretessfilter för bildskärm|43211904|790.00|ST||it
I-3022|Musmatta|Musmatta med handledsstöd|43211712|89.00|ST||it
I-3023|Högtalare för dator|Datorhögtalare med USB|43211607|299.00|ST||it
I-3024|Mobiltelefon skal|Skal för mobiltelefon|43191501|149.00|ST||it
S-4001|Toalettpapper 64 rullar|Toalettpapper tvålagers|14111704|389.00|BL|Svanen|stad
S-4002|Toalettpapper storrulle 6 st|Toalettpapper på storrulle för dispenser|14111704|299.00|BL|Svanen|stad
S-4003|Hushållspapper 32 rullar|Hushållspapper för kök|14111705|329.00|BL|Svanen|stad
S-4004|Pappershanddukar 20 paket|Pappershanddukar Z-vikta|14111703|459.00|KT|EU Ecolabel|stad
S-4005|Torkpapper industri|Torkpapper på rulle för verkstad|14111705|249.00|RL||stad
S-4006|Handtvål flytande 5 l|Mild handtvål utan parfym|53131608|189.00|ST|Svanen,Bra Miljöval|stad
S-4007|Handsprit 500 ml|Handdesinfektion med pump|53131626|69.00|ST||stad
S-4008|Diskmedel 1 l|Handdiskmedel koncentrerat|47131807|39.00|ST|Bra Miljöval|stad
S-4009|Maskindiskmedel 100 tabletter|Tabletter för diskmaskin|47131807|249.00|PK|Svanen|stad
S-4010|Allrengöring spray 750 ml|Allrengöringsmedel för ytor|47131801|45.00|ST|Svanen|stad
S-4011|Golvrengöring 5 l|Golvrengöringsmedel för moppning|47131801|219.00|ST|EU Ecolabel|stad
S-4012|Fönsterputs 750 ml|Fönsterputsmedel spray|47131803|49.00|ST||stad
S-4013|Sopsäckar 125 l 10 st|Sopsäckar av återvunnen plast|47121701|59.00|RL|Svanen|stad
S-4014|Avfallspåsar 30 l|Avfallspåsar för papperskorg|47121701|29.00|RL||stad
S-4015|Papperskorg 30 l|Papperskorg i metall|47121702|249.00|ST||stad
S-4016|Mopp mikrofiber|Mopp för våtmoppning|47131604|129.00|ST||stad
S-4017|Städhink 10 l|Hink med pressfunktion|47131617|159.00|ST||stad
S-4018|Disktrasa 10-pack|Disktrasor av cellulosa|47131502|49.00|PK|Svanen|stad
S-4019|Microfiberduk 10-pack|Städdukar av mikrofiber|47131502|89.00|PK||stad
S-4020|Skurborste|Skurborste med skaft|47131604|79.00|ST||stad
S-4021|Tvättmedel 7,5 kg|Tvättmedel för kulörtvätt|47131810|349.00|ST|Svanen|stad
S-4022|Sköljmedel 2 l|Sköljmedel utan parfym|47131810|59.00|ST||stad
S-4023|Dammsugarpåsar 10 st|Dammsugarpåsar för städmaskin|47131613|129.00|PK||stad
S-4024|Engångshandskar nitril M 100 st|Nitrilhandskar puderfria|42132203|99.00|AS||stad
M-5001|Kaffe bryggmalet 500 g|Mellanrost bryggkaffe|50201706|69.00|PK|KRAV,Fairtrade|mat
M-5002|Kaffebönor 1 kg|Hela kaffebönor mörkrost|50201706|189.00|PK|Fairtrade|mat
M-5003|Te svart 100 påsar|Svart te i påsar|50201712|59.00|PK|KRAV|mat
M-5004|Mjölk mellanmjölk 1 l|Mellanmjölk 1,5 %|50131701|14.50|ST|KRAV|mat
M-5005|Havredryck 1 l|Havredryck barista|50131701|22.00|ST||mat
M-5006|Socker 1 kg|Strösocker|50161509|19.00|PK||mat
M-5007|Mineralvatten 33 cl 24-pack|Kolsyrat mineralvatten|50202301|149.00|BK||mat
M-5008|Kaffefilter 1x4 100 st|Kaffefilter för bryggare|52151602|19.00|PK||mat
M-5009|Knäckebröd 520 g|Fullkornsknäckebröd|50181900|29.00|PK||mat
M-5010|Frukt äpplen 1 kg|Svenska äpplen|50301500|34.00|KG||mat
M-5011|Bananer 1 kg|Bananer ekologiska|50301500|29.00|KG|KRAV,Fairtrade|mat
M-5012|Kakor havrekakor 200 g|Havrekakor till fikat|50181900|25.00|PK||mat
V-6001|Engångshandskar nitril S 200 st|Undersökningshandskar i nitril|42132203|149.00|AS||vard
V-6002|Engångshandskar vinyl L 100 st|Vinylhandskar för vård|42132203|69.00|AS||vard
V-6003|Munskydd typ IIR 50 st|Kirurgiskt munskydd|42131713|129.00|AS||vard
V-6004|Förband kompress 10x10 cm|Sterila kompresser|42311505|49.00|PK||vard
V-6005|Plåster sortiment|Plåster i olika storlekar|42311510|39.00|AS||vard
V-6006|Inkontinensskydd natt|Inkontinensskydd för natt|53131624|219.00|PK||vard
V-6007|Blodtrycksmätare|Automatisk blodtrycksmätare för överarm|42181600|890.00|ST||vard
V-6008|Termometer digital|Digital termometer|42182200|129.00|ST||vard
V-6009|Rullator|Rullator med sits och korg|42211802|2490.00|ST||vard
V-6010|Rullstol standard|Manuell rullstol|42211502|5990.00|ST||vard
V-6011|Hygienservetter|Fuktiga servetter för hygien|53131624|59.00|PK||vard
V-6012|Ytdesinfektion 1 l|Desinfektion för ytor i vården|47131803|99.00|ST||vard
V-6013|Förkläde plast 100 st|Engångsförkläden av plast|46181501|79.00|AS||vard
V-6014|Sprutor 10 ml 100 st|Engångssprutor|42142609|189.00|AS||vard
V-6015|Hörselskydd|Hörselskydd med huvudbygel|46181902|249.00|ST||vard
O-7001|Kontorsstol ergonomisk|Kontorsstol med justerbart ryggstöd och armstöd|56101504|3490.00|ST|Möbelfakta|mobler
O-7002|Kontorsstol enkel|Kontorsstol med hjul|56101504|1490.00|ST||mobler
O-7003|Skrivbord höj- och sänkbart 160x80|Elektriskt höj- och sänkbart skrivbord|56101703|5990.00|ST|Möbelfakta|mobler
O-7004|Skrivbord 140x70|Skrivbord med laminatskiva|56101703|2490.00|ST||mobler
O-7005|Konferensbord 240x100|Konferensbord för tio personer|56101706|7990.00|ST|Möbelfakta|mobler
O-7006|Konferensstol stapelbar|Stapelbar stol för konferensrum|56101504|890.00|ST||mobler
O-7007|Bokhylla 80x200|Bokhylla i björk|56101508|1290.00|ST|FSC|mobler
O-7008|Förvaringsskåp med dörrar|Förvaringsskåp låsbart|56101520|3290.00|ST||mobler
O-7009|Hurts med lådor|Hurts med tre lådor och hjul|56101519|1990.00|ST||mobler
O-7010|Soffa 3-sits|Soffa för personalrum|56101502|8990.00|ST||mobler
O-7011|Fåtölj|Fåtölj med tyg|56101502|3990.00|ST||mobler
O-7012|Köksbord 120x80|Köksbord för personalkök|56101519|2990.00|ST||mobler
O-7013|Köksstol|Köksstol i trä|56101504|790.00|ST|FSC|mobler
O-7014|Golvlampa|Golvlampa för läshörna|39111500|990.00|ST||mobler
O-7015|Skrivbordslampa LED|Skrivbordslampa med dimmer|39111500|590.00|ST||mobler
O-7016|Whiteboard på hjul|Mobil whiteboardtavla dubbelsidig|44111905|3990.00|ST||mobler
O-7017|Klädhängare|Golvstående klädhängare|56101510|690.00|ST||mobler
O-7018|Skohylla|Skohylla för entré|56101508|490.00|ST||mobler
O-7019|Ljudabsorbent vägg|Ljudabsorberande panel|30161600|1490.00|ST||mobler
O-7020|Skärmvägg 160x120|Skärmvägg för kontorslandskap|56101538|2190.00|ST||mobler
O-7021|Kökssoffa|Kökssoffa i trä|56101502|4990.00|ST||mobler
O-7022|Kontorsskåp|Kontorsskåp med hyllplan|56101520|2790.00|ST||mobler
K-1041|Kökshandduk 2-pack|Kökshanddukar i bomull|52121601|59.00|PK||kontor
K-1042|Konferensblock A4|Block för konferenser|14111514|25.00|ST||kontor
K-1043|Korrigeringsroller|Korrigeringsroller 5 mm|44121802|29.00|ST||kontor
K-1044|Kontorshäftklammer 26/6|Häftklamrar 26/6|44122107|17.00|AS||kontor
K-1045|Konceptpapper A4 rutat|Rutat papper för anteckningar|14111507|39.00|PK||kontor
K-1046|Kartong flyttkartong|Flyttkartong med handtag|24112700|39.00|ST||kontor
K-1047|Skrivarpapper A4 100 g|Tjockare papper för presentationer|14111507|89.00|PK||kontor
I-3025|Kontorsskrivare färg|Färglaserskrivare för kontor|43212105|4990.00|ST||it
S-4025|Köksrulle 4-pack|Köksrullar för hushåll|14111705|39.00|PK||stad
S-4026|Kökssvamp 10 st|Disksvampar för köket|47131602|29.00|PK||stad
S-4027|Toalettrengöring 750 ml|Toalettrengöringsmedel|47131810|35.00|ST|Svanen|stad
S-4028|Ugnsrengöring spray|Ugnsrengöring för kök|47131801|69.00|ST||stad
M-5013|Kokosmjölk 400 ml|Kokosmjölk för matlagning|50131701|19.00|ST||mat
M-5014|Konserverade tomater 400 g|Krossade tomater|50461500|12.00|ST|KRAV|mat
X-9001|Kopieringspapper A4 utgånget avtal|Ska aldrig synas: avtalet har gått ut|14111507|10.00|PK||gammal
X-9002|Kulspetspenna utgånget avtal|Ska aldrig synas: avtalet har gått ut|44121701|1.00|ST||gammal
"""


def parsed_items() -> list[dict]:
    rows = []
    for line in ITEMS.strip().splitlines():
        sid, name, desc, unspsc, price, unit, eco, key = line.split("|")
        rows.append(
            {
                "seller_item_id": sid,
                "name": name,
                "description": desc,
                "unspsc": unspsc,
                "price": price,
                "unit": unit,
                "eco_labels": [e for e in eco.split(",") if e],
                "catalogue": key,
            }
        )
    return rows
