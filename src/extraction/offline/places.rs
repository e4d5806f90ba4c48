//! Kinds of places where studies are done, and country names: compact data
//! for the setting and countries fields.

use super::arms::words;

/// Nouns that name where care or research happens (stems, lower case).
const PLACE_KINDS: [&str; 30] = [
    "unit",
    "clinic",
    "practice",
    "centre",
    "center",
    "hospital",
    "site",
    "school",
    "ward",
    "department",
    "community",
    "communities",
    "village",
    "home",
    "care",
    "universit",
    "region",
    "district",
    "countr",
    "province",
    "city",
    "cities",
    "facilit",
    "pharmac",
    "office",
    "setting",
    "institut",
    "service",
    "prison",
    "workplace",
];

/// Whether the phrase names a kind of place ("six community physiotherapy clinics").
pub fn names_place_kind(phrase: &str) -> bool {
    words(phrase).iter().any(|w| {
        let lw = w.to_lowercase();
        PLACE_KINDS.iter().any(|k| lw.starts_with(k))
    })
}

/// Country names as papers print them ("USA" and "United States" both kept as printed).
const COUNTRIES: &str = "Afghanistan,Albania,Algeria,Argentina,Armenia,Australia,Austria,Bangladesh,\
Belarus,Belgium,Benin,Bolivia,Bosnia and Herzegovina,Botswana,Brazil,Bulgaria,Burkina Faso,Burundi,\
Cambodia,Cameroon,Canada,Chile,China,Colombia,Costa Rica,Croatia,Cuba,Cyprus,Czech Republic,\
Denmark,Ecuador,Egypt,Estonia,Ethiopia,Finland,France,Gambia,Georgia,Germany,Ghana,Greece,\
Guatemala,Guinea,Haiti,Honduras,Hong Kong,Hungary,Iceland,India,Indonesia,Iran,Iraq,Ireland,\
Israel,Italy,Jamaica,Japan,Jordan,Kazakhstan,Kenya,Korea,Kuwait,Laos,Latvia,Lebanon,Lithuania,\
Luxembourg,Madagascar,Malawi,Malaysia,Mali,Malta,Mexico,Mongolia,Morocco,Mozambique,Myanmar,\
Nepal,Netherlands,New Zealand,Nicaragua,Niger,Nigeria,Norway,Oman,Pakistan,Panama,Peru,\
Philippines,Poland,Portugal,Qatar,Romania,Russia,Rwanda,Saudi Arabia,Senegal,Serbia,Singapore,\
Slovakia,Slovenia,South Africa,Spain,Sri Lanka,Sudan,Sweden,Switzerland,Syria,Taiwan,Tanzania,\
Thailand,Tunisia,Turkey,Uganda,Ukraine,United Arab Emirates,United Kingdom,UK,United States,USA,\
Uruguay,Venezuela,Vietnam,Viet Nam,Yemen,Zambia,Zimbabwe,England,Scotland,Wales";

/// The countries a text names, in order of appearance, each once.
pub fn countries_in(text: &str) -> Vec<String> {
    let ws = words(text);
    let mut out: Vec<(usize, String)> = Vec::new();
    for c in COUNTRIES.split(',') {
        let cw: Vec<&str> = c.split(' ').collect();
        let at = ws
            .windows(cw.len())
            .position(|win| win.iter().zip(&cw).all(|(a, b)| a == b));
        // "Niger" inside "Nigeria" cannot happen: words are compared whole.
        if let Some(k) = at
            && !out.iter().any(|(_, o)| o == c)
        {
            out.push((k, c.to_owned()));
        }
    }
    // "South Korea" found as "Korea" only once; longer names win over their parts.
    let snapshot = out.clone();
    out.retain(|(k, c)| {
        !snapshot.iter().any(|(k2, c2)| {
            c2 != c && c2.contains(c.as_str()) && *k2 <= *k && k2 + c2.split(' ').count() > *k
        })
    });
    out.sort_by_key(|x| x.0);
    out.into_iter().map(|x| x.1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_and_place_kinds() {
        // PMC5830087: "performed at sites in Germany and the United States".
        assert_eq!(
            countries_in("sites in Germany and the United States"),
            vec!["Germany", "United States"]
        );
        // PMC5541727: "conducted in Melbourne, Australia".
        assert_eq!(countries_in("Melbourne, Australia"), vec!["Australia"]);
        assert!(countries_in("six community physiotherapy clinics").is_empty());
        assert!(names_place_kind("11 maternity units"));
        assert!(!names_place_kind("accordance with the guideline"));
    }
}
